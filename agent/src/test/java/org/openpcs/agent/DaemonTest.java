package org.openpcs.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DaemonTest {
  static String status(String blocked, String ignored) {
    return "Name:\tcat\nSigQ:\t0/95324\nSigPnd:\t0000000000000000\nSigBlk:\t"
        + blocked
        + "\nSigIgn:\t"
        + ignored
        + "\nSigCgt:\t0000000000000000\n";
  }

  @Test
  void signalsAreCleanOnlyWithNothingBlockedAndNoStandardSignalIgnored() {
    assertThat(Daemon.cleanSignals(status("0000000000000000", "0000000000000000"))).isTrue();
    // glibc's internal real-time signals 32 and 33 may be ignored
    assertThat(Daemon.cleanSignals(status("0000000000000000", "0000000180000000"))).isTrue();
    // slurmscriptd's mask (slurm-lab §3): SIGTERM and friends blocked
    assertThat(Daemon.cleanSignals(status("0000000000897a27", "0000000000000000"))).isFalse();
    // SIGHUP ignored (nohup)
    assertThat(Daemon.cleanSignals(status("0000000000000000", "0000000000000001"))).isFalse();
    assertThat(Daemon.cleanSignals("Name:\tcat\n")).isFalse();
  }
}
