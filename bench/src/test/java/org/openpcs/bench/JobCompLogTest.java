package org.openpcs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobCompLogTest {
  @Test
  void aRequeuedJobCountsByItsLastEndAndAJobNeverLoggedOrFailedIsReported(@TempDir Path dir)
      throws Exception {
    Path log = dir.resolve("jobcomp.txt");
    Files.write(
        log,
        List.of(
            "JobId=13 UserId=root(0) GroupId=root(0) Name=wrap JobState=PENDING Partition=work",
            "JobId=14 UserId=root(0) GroupId=root(0) Name=wrap JobState=COMPLETED Partition=work",
            "JobId=13 UserId=root(0) GroupId=root(0) Name=wrap JobState=COMPLETED Partition=work",
            "JobId=15 UserId=root(0) GroupId=root(0) Name=wrap JobState=PENDING Partition=work",
            "JobId=16 UserId=root(0) GroupId=root(0) Name=wrap JobState=NODE_FAIL Partition=work"));
    assertThat(JobCompLog.notCompleted(log, List.of(13L, 14L, 15L, 16L, 17L)))
        .isEqualTo(Map.of(15L, "PENDING", 16L, "NODE_FAIL", 17L, "not logged"));
    assertThat(JobCompLog.notCompleted(dir.resolve("missing"), List.of(1L)))
        .isEqualTo(Map.of(1L, "not logged"));
  }
}
