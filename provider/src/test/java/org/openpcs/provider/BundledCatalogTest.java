package org.openpcs.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundledCatalogTest {
  @TempDir Path dir;

  static final List<String> REQUIRED =
      List.of(
          "t3.micro",
          "t3.small",
          "t3.medium",
          "t3.large",
          "t3.xlarge",
          "c5.large",
          "c5.xlarge",
          "c5.2xlarge",
          "c5.4xlarge",
          "c6i.large",
          "c6i.xlarge",
          "c7i.large",
          "c7i.xlarge",
          "c7i.2xlarge",
          "m5.large",
          "m5.xlarge",
          "m6i.large",
          "m6i.xlarge",
          "m7i.large",
          "m7i.xlarge",
          "r5.large",
          "r5.xlarge",
          "r6i.large",
          "hpc7a.12xlarge",
          "hpc6a.48xlarge",
          "c6gn.xlarge",
          "g4dn.xlarge",
          "g5.xlarge",
          "p3.2xlarge",
          "p4d.24xlarge");

  @Test
  void shipsTheRequiredTypesWithSaneFigures() {
    BundledCatalog c = new BundledCatalog();
    for (String name : REQUIRED) {
      InstanceType t = c.find(name).orElseThrow(() -> new AssertionError(name + " missing"));
      assertThat(t.vcpus()).as(name).isPositive();
      assertThat(t.memoryMiB()).as(name).isGreaterThanOrEqualTo(1024);
      assertThat(t.onDemandPerHour()).as(name).isPositive();
      if (t.spotPerHour() != null) {
        assertThat(t.spotPerHour()).as(name).isLessThan(t.onDemandPerHour());
      }
      assertThat(t.gpus() > 0).as(name).isEqualTo(t.gpuModel() != null);
    }
    assertThat(c.find("t3.micro").orElseThrow().onDemandPerHour())
        .isEqualTo(new BigDecimal("0.0104"));
    assertThat(c.find("c5.large").orElseThrow())
        .isEqualTo(
            new InstanceType(
                "c5.large", 2, 4096, 0, null, new BigDecimal("0.085"), new BigDecimal("0.034")));
    InstanceType p4d = c.find("p4d.24xlarge").orElseThrow();
    assertThat(p4d.gpus()).isEqualTo(8);
    assertThat(p4d.gpuModel()).isEqualTo("A100");
    assertThat(c.find("g5.xlarge").orElseThrow().gpuModel()).isEqualTo("A10G");
    assertThat(c.find("hpc7a.12xlarge").orElseThrow().spotPerHour()).isNull();
    assertThat(c.source()).contains("pproximate").contains("us-east-1");
    assertThat(c.find("nope")).isEmpty();
    assertThat(c.find(null)).isEmpty();
    assertThat(c.all())
        .extracting(InstanceType::name)
        .startsWith("t3.micro")
        .doesNotHaveDuplicates();
  }

  @Test
  void userTypesAddAndOverride() throws Exception {
    Files.writeString(
        dir.resolve("instance-types.json"),
        """
        {"instanceTypes": [
          {"name": "lab.small", "vcpus": 1, "memoryMiB": 500, "gpus": 0, "onDemandPerHour": 0.001},
          {"name": "c5.large", "vcpus": 1, "memoryMiB": 1000, "gpus": 0, "onDemandPerHour": 0.5, "spotPerHour": 0.1}
        ]}
        """);
    BundledCatalog c = BundledCatalog.forDataDir(dir);
    assertThat(c.find("lab.small").orElseThrow().memoryMiB()).isEqualTo(500);
    assertThat(c.find("lab.small").orElseThrow().spotPerHour()).isNull();
    assertThat(c.find("c5.large").orElseThrow().vcpus()).isEqualTo(1);
    assertThat(c.userDefined("c5.large")).isTrue();
    assertThat(c.userDefined("c5.xlarge")).isFalse();
    assertThat(c.all()).extracting(InstanceType::name).endsWith("lab.small");

    Files.delete(dir.resolve("instance-types.json"));
    c.reload();
    assertThat(c.find("lab.small")).isEmpty();
    assertThat(c.find("c5.large").orElseThrow().vcpus()).isEqualTo(2);
  }

  @Test
  void aBadUserFileIsRefusedWithItsName() throws Exception {
    Path f = dir.resolve("instance-types.json");
    Files.writeString(
        f,
        "{\"instanceTypes\": [{\"name\": \"Bad Name\", \"vcpus\": 1, \"memoryMiB\": 1, \"onDemandPerHour\": 1}]}");
    assertThatThrownBy(() -> new BundledCatalog(f))
        .hasMessageContaining(f.toString())
        .hasMessageContaining("name");
    Files.writeString(
        f,
        "{\"instanceTypes\": [{\"name\": \"x.y\", \"vcpus\": 0, \"memoryMiB\": 1, \"onDemandPerHour\": 1}]}");
    assertThatThrownBy(() -> new BundledCatalog(f))
        .hasMessageContaining("x.y")
        .hasMessageContaining("vcpus");
    Files.writeString(
        f,
        "{\"instanceTypes\": [{\"name\": \"x.y\", \"vcpus\": 1, \"memoryMiB\": 1, \"onDemandPerHour\": -1}]}");
    assertThatThrownBy(() -> new BundledCatalog(f)).hasMessageContaining("onDemandPerHour");
    Files.writeString(f, "not json");
    assertThatThrownBy(() -> new BundledCatalog(f)).hasMessageContaining("not valid JSON");
  }
}
