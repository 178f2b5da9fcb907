package io.huifang.telephony;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * When an answered call's lease check may be decided without the database (docs/cluster.md, "Fencing the
 * originate"): only on the database's "current", for the call's own grant, to a question asked after its Originate.
 */
class GrantConfirmationsTest {

  @Test
  void aConfirmationAskedAfterTheOriginateVouchesForItsGrantOnly() {
    GrantConfirmations c = new GrantConfirmations();
    long call = c.originateSent();
    assertTrue(c.due(7));
    long asked = c.asking();
    assertFalse(c.vouches(7, call), "nothing before the answer");
    c.answered(7, asked, true);
    assertTrue(c.vouches(7, call));
    assertFalse(c.vouches(6, call), "another grant's call");
    assertFalse(c.vouches(8, call), "another grant's call");
    assertFalse(c.vouches(7, 0), "a call this process did not send (adopted)");
  }

  @Test
  void aConfirmationAskedBeforeTheOriginateDoesNotVouchForIt() {
    GrantConfirmations c = new GrantConfirmations();
    c.originateSent();
    long asked = c.asking();
    long later = c.originateSent(); // sent while the question was under way: the node may have frozen before it
    c.answered(7, asked, true);
    assertFalse(c.vouches(7, later));
    assertTrue(c.due(7), "asked again for the later call");
    long again = c.asking();
    c.answered(7, again, true);
    assertTrue(c.vouches(7, later));
  }

  @Test
  void notCurrentWithdrawsEveryVouchForThatGrant() {
    GrantConfirmations c = new GrantConfirmations();
    long call = c.originateSent();
    long asked = c.asking();
    c.answered(7, asked, true);
    assertTrue(c.vouches(7, call));
    // an answered call's own question to the database says the grant is over
    c.confirmed(7, 0, false);
    assertFalse(c.vouches(7, call));

    long call2 = c.originateSent();
    c.answered(7, c.asking(), true);
    assertTrue(c.vouches(7, call2));
    c.answered(7, c.asking(), false); // a later confirmation: the grant is over
    assertFalse(c.vouches(7, call2));
    assertFalse(c.vouches(7, call));
  }

  @Test
  void anAnsweredCallsOwnCurrentVouchesForNothingMore() {
    GrantConfirmations c = new GrantConfirmations();
    long call = c.originateSent();
    c.confirmed(7, 0, true);
    assertFalse(c.vouches(7, call));
  }

  @Test
  void oneQuestionAtATimeAndOnlyWhenOriginatesWentOutSinceTheLastAnswer() {
    GrantConfirmations c = new GrantConfirmations();
    assertFalse(c.due(0), "no grant: nothing to ask");
    assertTrue(c.due(7), "a grant never confirmed");
    long asked = c.asking();
    assertFalse(c.due(7), "one question at a time");
    c.answered(7, asked, true);
    assertFalse(c.due(7), "no Originate since: nothing to ask");
    c.originateSent();
    assertTrue(c.due(7));
    assertTrue(c.due(8), "a new grant is asked about");
    c.asking();
    c.unanswered();
    assertTrue(c.due(7), "the database away: asked again at the next turn");
  }

  @Test
  void aLaterGrantReplacesAnEarlierOneAndAnAnswerAboutAnEarlierGrantComesTooLate() {
    GrantConfirmations c = new GrantConfirmations();
    long call = c.originateSent();
    long askedOld = c.asking();
    c.unanswered();
    long askedNew = c.asking();
    c.answered(8, askedNew, true);
    c.answered(7, askedOld, true);
    assertTrue(c.vouches(8, call));
    assertFalse(c.vouches(7, call));
  }
}
