package io.huifang.campaign.list;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

/**
 * The columns Huifang reads from a DMS export, with the headers dealers' systems use for them, in Chinese and
 * English. A header matches after full-width characters, case, spaces and decorations (*, :) are ignored.
 */
public enum Field {
  CUSTOMER_NAME("客户姓名", "customer name", "客户姓名", "客户名称", "姓名", "联系人", "联系人姓名", "车主姓名", "车主", "送修人",
      "customer", "customer name", "name", "contact", "contact name", "owner"),
  PHONE("联系电话", "phone", "联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "电话号码", "联系人电话", "送修人电话",
      "车主电话", "phone", "mobile", "telephone", "tel", "phone number", "mobile phone", "contact phone"),
  VEHICLE_MODEL("车型", "vehicle model", "车型", "车辆型号", "车型名称", "model", "vehicle model", "vehicle"),
  PLATE("车牌号", "plate", "车牌号", "车牌", "车牌号码", "plate", "license plate", "plate no", "plate number",
      "registration"),
  VIN("VIN", "VIN", "vin", "vin码", "车架号", "底盘号", "车辆识别代号", "vin no"),
  SERVICE_DATE("出厂日期", "service date", "出厂日期", "结算日期", "维修日期", "服务日期", "完工日期", "service date",
      "workshop date", "repair date", "completion date"),
  SALE_DATE("交车日期", "delivery date", "交车日期", "销售日期", "开票日期", "delivery date", "sale date", "sales date"),
  ORDER_DATE("开单日期", "order date", "开单日期", "工单日期", "接车日期", "进厂日期", "order date", "ro date", "check-in date"),
  WORK_ORDER_NO("工单号", "work order no.", "工单号", "委托书号", "维修工单号", "工单编号", "work order", "work order no",
      "ro number", "ro no", "repair order"),
  WORK_ORDER_STATUS("工单状态", "work order status", "工单状态", "结算状态", "work order status", "status", "ro status"),
  /** Which dealer a row is: checked against the dealer chosen for the import (a group's export mixes dealers). */
  DEALER("经销商", "dealer", "经销商", "经销商代码", "经销商编号", "经销商编码", "经销商名称", "网点", "网点代码", "网点编号",
      "网点名称", "服务站", "服务站代码", "服务站名称", "4s店", "dealer", "dealer code", "dealer name", "dealer no");

  private final String chinese;
  private final String english;
  private final List<String> aliases;

  Field(String chinese, String english, String... aliases) {
    this.chinese = chinese;
    this.english = english;
    this.aliases = List.of(aliases).stream().map(Field::normaliseHeader).toList();
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The usual Chinese header: the field's name in messages and on the page (never the internal id). */
  public String chinese() {
    return chinese;
  }

  /** The field's name in English messages. */
  public String english() {
    return english;
  }

  public boolean isDate() {
    return this == SERVICE_DATE || this == SALE_DATE || this == ORDER_DATE;
  }

  public static Field byId(String id) {
    for (Field f : values()) {
      if (f.id().equals(id)) {
        return f;
      }
    }
    return null;
  }

  /** The field a header names, or null. */
  public static Field forHeader(String header) {
    String h = normaliseHeader(header);
    for (Field f : values()) {
      if (f.aliases.contains(h)) {
        return f;
      }
    }
    return null;
  }

  public static String normaliseHeader(String header) {
    if (header == null) {
      return "";
    }
    return Normalizer.normalize(header, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)
        .replaceAll("[\\s*:：_.]+", " ").strip();
  }
}
