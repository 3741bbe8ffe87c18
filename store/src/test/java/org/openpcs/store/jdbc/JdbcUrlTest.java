package org.openpcs.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class JdbcUrlTest {
  private static final String H2_SETTINGS =
      ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=30000;WRITE_DELAY=0;AUTO_SERVER=TRUE";

  @Test
  void theEmbeddedUrlIsAnAbsoluteFileWithTheDialectSettings() {
    Path dir = Path.of("data", "..", "var");

    String url = JdbcUrl.h2File(dir);

    assertThat(url)
        .isEqualTo("jdbc:h2:file:" + dir.toAbsolutePath().normalize() + "/openpcs" + H2_SETTINGS);
    assertThat(JdbcUrl.parse(url).url()).isEqualTo(url);
    assertThat(JdbcUrl.parse(url).description())
        .isEqualTo("H2 " + dir.toAbsolutePath().normalize().resolve("openpcs.mv.db"));
  }

  @Test
  void aDataDirectoryWithASemicolonIsRefused() {
    assertThatThrownBy(() -> JdbcUrl.h2File(Path.of("/tmp/a;MODE=Oracle")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void h2SettingsInTheUrlAreKeptAndMissingOnesAdded() {
    JdbcUrl url = JdbcUrl.parse("jdbc:h2:mem:t1;lock_timeout=5;PASSWORD=hunter2;MODE=PostgreSQL");

    assertThat(url.url())
        .isEqualTo(
            "jdbc:h2:mem:t1;lock_timeout=5;PASSWORD=hunter2;MODE=PostgreSQL"
                + ";DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0");
    assertThat(url.description()).isEqualTo("H2 mem:t1");
    assertThat(url.driverClass()).isEqualTo("org.h2.Driver");
  }

  @Test
  void aPostgresDescriptionNamesServerAndDatabaseButNoCredentials() {
    JdbcUrl url =
        JdbcUrl.parse("jdbc:postgresql://db.example:6543/openpcs?user=pcs&password=hunter2");

    assertThat(url.description()).isEqualTo("PostgreSQL db.example:6543/openpcs");
    assertThat(url.driverClass()).isEqualTo("org.postgresql.Driver");
    assertThat(JdbcUrl.parse("jdbc:postgresql://a,b:5433/x").description())
        .isEqualTo("PostgreSQL a:5432,b:5433/x");
    assertThat(JdbcUrl.parse("jdbc:postgresql://127.0.0.1/openpcs").description())
        .isEqualTo("PostgreSQL 127.0.0.1:5432/openpcs");
  }

  @Test
  void otherDatabasesAreRefusedWithoutEchoingTheUrl() {
    assertThatThrownBy(() -> JdbcUrl.parse("jdbc:mysql://h/db?password=hunter2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:mysql:")
        .hasMessageContaining("H2")
        .hasMessageContaining("PostgreSQL")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> JdbcUrl.parse("openpcs.db"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
