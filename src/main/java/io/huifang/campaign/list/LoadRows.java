package io.huifang.campaign.list;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a validated file that will be written, column by column: arrays bind straight to one multi-row
 * {@code insert … select from unnest(…)} per chunk, and columns cost far less memory than one object per row.
 */
public final class LoadRows {
  final List<Integer> rowNo = new ArrayList<>();
  final List<String> rowKey = new ArrayList<>();
  final List<String> name = new ArrayList<>();
  final List<String> specialKind = new ArrayList<>();
  final List<String> phoneRaw = new ArrayList<>();
  final List<String> phone = new ArrayList<>();
  final List<String> phoneExt = new ArrayList<>();
  final List<String> model = new ArrayList<>();
  final List<String> plate = new ArrayList<>();
  final List<String> vin = new ArrayList<>();
  final List<LocalDate> eventDate = new ArrayList<>();
  final List<OffsetDateTime> eventAt = new ArrayList<>();
  final List<String> workOrder = new ArrayList<>();
  final List<Boolean> workOrderClosed = new ArrayList<>();

  void add(int row, String key, String n, String kind, String raw, String ph, String ext, String mdl, String pl, String v,
           LocalDate date, OffsetDateTime at, String wo, Boolean closed) {
    rowNo.add(row);
    rowKey.add(key);
    name.add(n);
    specialKind.add(kind);
    phoneRaw.add(raw);
    phone.add(ph);
    phoneExt.add(ext);
    model.add(mdl);
    plate.add(pl);
    vin.add(v);
    eventDate.add(date);
    eventAt.add(at);
    workOrder.add(wo);
    workOrderClosed.add(closed);
  }

  public int size() {
    return rowNo.size();
  }
}
