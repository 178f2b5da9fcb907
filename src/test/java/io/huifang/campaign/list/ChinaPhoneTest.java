package io.huifang.campaign.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChinaPhoneTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "13812345678|13812345678",
      "138 1234 5678|13812345678",
      "138-1234-5678|13812345678",
      "+86 138 1234 5678|13812345678",
      "+8613812345678|13812345678",
      "008613812345678|13812345678",
      "8613812345678|13812345678",
      "１３８１２３４５６７８|13812345678",
      "＋８６ １３８－１２３４－５６７８|13812345678",
      "13812345678.0|13812345678",
      "1.3812345678E10|13812345678",
      "1.3812345678E+10|13812345678",
      "'  13812345678  '|13812345678",
      "010-12345678|01012345678",
      "(021) 8765 4321|02187654321",
      "0755-8123456|07558123456",
      "0571 88123456|057188123456",
      "13812345678/13987654321|13812345678",
      "19912345678|19912345678"})
  void normalises(String raw, String expected) {
    ChinaPhone.Result r = ChinaPhone.normalise(raw);
    assertEquals(expected, r.phone(), raw + ": " + r.english());
  }

  @ParameterizedTest(name = "{0} -> {1} ext {2}")
  @CsvSource(delimiter = '|', value = {
      "010-12345678转8001|01012345678|8001",
      "010-12345678 转 8001|01012345678|8001",
      "（０２１）８７６５４３２１转６０２|02187654321|602",
      "0755-8123456 分机 12|07558123456|12",
      "010 1234 5678 ext. 301|01012345678|301",
      "01012345678 EXT 301|01012345678|301",
      "010-12345678x8001|01012345678|8001",
      "010-12345678-8001|01012345678|8001",
      "0571-88123456-1|057188123456|1",
      "13812345678转1|13812345678|1",
      "138-1234-5678|13812345678|''",
      "0755-1234-5678|075512345678|''"})
  void keepsAnExtensionApart(String raw, String phone, String ext) {
    ChinaPhone.Result r = ChinaPhone.normalise(raw);
    assertEquals(phone, r.phone(), raw + ": " + r.english());
    assertEquals(ext.isEmpty() ? null : ext, r.extension(), raw);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "87654321转8001|no_area_code",
      "转8001|not_a_number",
      "00000000000|placeholder",
      "000-0000-0000|placeholder",
      "1.38E+10|rounded",
      "1.3812E+10|rounded",
      "11111111111|impossible",
      "12345678901|impossible",
      "1381234567|wrong_length",
      "138123456789|wrong_length",
      "87654321|no_area_code",
      "8765-4321|no_area_code",
      "010-1234|wrong_length",
      "+1 415 555 0100|foreign",
      "无|not_a_number",
      "138xxxx5678|not_a_number",
      "'   '|empty"})
  void rejectsWithAReason(String raw, String problem) {
    ChinaPhone.Result r = ChinaPhone.normalise(raw);
    assertFalse(r.ok(), raw + " was accepted as " + r.phone());
    assertNull(r.phone());
    assertEquals(problem, r.problem(), raw + ": " + r.english());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "00PDI张三|pdi|张三",
      "00库存车|stock|''",
      "00公司公务车 李四|company|李四",
      "00拒留电话王五|refused_phone|王五",
      "00拒绝回访-赵六|refused_callback|赵六",
      "00非车主钱七|not_owner|钱七",
      "００ＰＤＩ孙八|pdi|孙八",
      "00其他情况周九|other|其他情况周九",
      "张三|''|张三"})
  void specialRecords(String name, String kind, String realName) {
    SpecialKind.Parsed p = SpecialKind.parse(name);
    assertEquals(kind.isEmpty() ? null : kind, p.kind() == null ? null : p.kind().id());
    assertEquals(realName, p.name());
  }
}
