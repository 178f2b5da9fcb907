package io.huifang.pbx.ami;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One AMI message: an ordered list of headers. Order and repeats matter on the wire
 * (repeated {@code Variable:} in Originate, {@code Output:} in Command responses), so this is a
 * list, not a map. Lookups are case-insensitive because Asterisk itself matches header names that way.
 */
public final class AmiMessage {
  private final ArrayList<String> names;
  private final ArrayList<String> values;

  public AmiMessage() {
    this(16);
  }

  public AmiMessage(int expectedHeaders) {
    names = new ArrayList<>(expectedHeaders);
    values = new ArrayList<>(expectedHeaders);
  }

  public static AmiMessage action(String action) {
    return new AmiMessage().add("Action", action);
  }

  /** An event with Asterisk's second header {@code Privilege: <class>,all}. */
  public static AmiMessage event(String name, String eventClass) {
    return new AmiMessage(24).add("Event", name).add("Privilege", eventClass + ",all");
  }

  public AmiMessage add(String name, String value) {
    names.add(name);
    values.add(value == null ? "" : value);
    return this;
  }

  public AmiMessage add(String name, long value) {
    return add(name, Long.toString(value));
  }

  public AmiMessage addAll(AmiMessage other) {
    names.addAll(other.names);
    values.addAll(other.values);
    return this;
  }

  /** First value of a header, or null. */
  public String get(String name) {
    for (int i = 0, n = names.size(); i < n; i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        return values.get(i);
      }
    }
    return null;
  }

  public String get(String name, String dflt) {
    String v = get(name);
    return v == null ? dflt : v;
  }

  public List<String> getAll(String name) {
    List<String> out = new ArrayList<>(2);
    for (int i = 0, n = names.size(); i < n; i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        out.add(values.get(i));
      }
    }
    return out;
  }

  public boolean has(String name) {
    return get(name) != null;
  }

  public int size() {
    return names.size();
  }

  public String name(int i) {
    return names.get(i);
  }

  public String value(int i) {
    return values.get(i);
  }

  public List<String> names() {
    return Collections.unmodifiableList(names);
  }

  /** The kind of message: the Event name, the Response value, or the Action name. */
  public String kind() {
    if (names.isEmpty()) {
      return "";
    }
    return values.get(0);
  }

  public boolean isEvent() {
    return !names.isEmpty() && names.get(0).equalsIgnoreCase("Event");
  }

  public boolean isResponse() {
    return !names.isEmpty() && names.get(0).equalsIgnoreCase("Response");
  }

  public boolean isAction() {
    return !names.isEmpty() && names.get(0).equalsIgnoreCase("Action");
  }

  @Override
  public String toString() {
    return AmiWriter.toText(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AmiMessage m && m.names.equals(names) && m.values.equals(values);
  }

  @Override
  public int hashCode() {
    return names.hashCode() * 31 + values.hashCode();
  }
}
