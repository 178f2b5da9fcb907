package io.huifang.dialer.pacing;

/** How a campaign's calls are placed. */
public enum DialMode {
  /** The agent sees the customer first and places the call: the pacer dials nothing by itself. */
  PREVIEW,
  /** One line per free agent: an answered customer always has an agent, never abandoned. */
  PROGRESSIVE,
  /** Several lines per free or soon-free agent, learned from the campaign's own calls, held to the abandon target. */
  PREDICTIVE
}
