package io.huifang.pbx.emulator;

import io.huifang.pbx.ami.AmiMessage;
import java.util.ArrayList;
import java.util.List;

final class Bridge {
  final String id;
  final List<Channel> members = new ArrayList<>(2);

  Bridge(String id) {
    this.id = id;
  }

  AmiMessage block(AmiMessage m) {
    return m.add("BridgeUniqueid", id)
        .add("BridgeType", "basic")
        .add("BridgeTechnology", "simple_bridge")
        .add("BridgeCreator", "<unknown>")
        .add("BridgeName", "<unknown>")
        .add("BridgeNumChannels", Integer.toString(members.size()))
        .add("BridgeVideoSourceMode", "none");
  }
}
