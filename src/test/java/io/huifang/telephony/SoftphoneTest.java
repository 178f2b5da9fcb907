package io.huifang.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A softphone setting names its PBX with a prefix; without one it is on the first PBX, as before. */
class SoftphoneTest {

  @Test
  void aPrefixNamesThePbxAndNoPrefixMeansTheFirst() {
    assertEquals(new Softphone("south", "PJSIP/8001"), Softphone.parse("south:PJSIP/8001"));
    Softphone plain = Softphone.parse(" PJSIP/8001@desk-7 ");
    assertEquals(new Softphone(null, "PJSIP/8001@desk-7"), plain);
    assertTrue(plain.onDefaultPbx());
    assertNull(Softphone.parse(null));
    assertNull(Softphone.parse("  "));
  }
}
