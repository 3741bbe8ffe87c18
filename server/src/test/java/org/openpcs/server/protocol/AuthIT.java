package org.openpcs.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openpcs.api.InvalidRequests;
import org.openpcs.api.auth.SigV4;
import org.openpcs.server.TestServer;
import org.openpcs.server.keys.AccessKeys;
import org.openpcs.server.keys.SecretSealer;
import org.openpcs.store.Store;
import org.openpcs.store.jdbc.JdbcStore;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.pcs.PcsClient;
import software.amazon.awssdk.services.pcs.model.PcsException;

/**
 * SigV4 authentication: unsigned, unknown-key, wrong-secret, stale, future and tampered requests
 * are refused with the AWS error and write nothing; issued keys work until deleted; secrets never
 * leak into responses or logs.
 */
class AuthIT {
  private static final String WRONG_SECRET = "WrongSecretWrongSecretWrongSecret0123456";
  private static final String UNKNOWN_KEY = "AKIAUNKNOWNUNKNOWN23";

  private static TestServer server;
  private static RawPcs admin;
  private static ListAppender<ILoggingEvent> logs;
  private static Level previousLevel;

  /** Every secret this test class saw; none may ever appear in a response or a log line. */
  private static final List<String> secrets = Collections.synchronizedList(new ArrayList<>());

  /** Every response body this class received. */
  private static final List<String> bodies = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void start() {
    logs = new ListAppender<>();
    logs.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    Logger openpcs = (Logger) LoggerFactory.getLogger("org.openpcs");
    previousLevel = openpcs.getLevel();
    openpcs.setLevel(Level.TRACE);

    server = TestServer.start();
    admin = new RawPcs(server.endpoint(), server.admin());
    secrets.add(server.admin().secretAccessKey());
    secrets.add(WRONG_SECRET);
    Demo.create(admin);
  }

  @AfterAll
  static void stop() {
    try {
      assertNoSecretLeaked();
    } finally {
      if (admin != null) {
        admin.close();
      }
      if (server != null) {
        server.close();
      }
      Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      root.detachAppender(logs);
      ((Logger) LoggerFactory.getLogger("org.openpcs")).setLevel(previousLevel);
    }
  }

  private static RawPcs.Response send(RawPcs client, RawPcs.Spec spec) {
    RawPcs.Response r = client.send(spec);
    bodies.add(r.text());
    return r;
  }

  private static ObjectNode createCluster(String name) {
    return InvalidRequests.validRequest("CreateCluster").put("clusterName", name);
  }

  /** Sends a CreateCluster that must be refused, and checks that the store did not change. */
  private static RawPcs.Response refusedCreate(RawPcs.Spec spec, int status, String type) {
    ObjectNode before = StoreSnapshot.take(admin);
    RawPcs.Response r = send(admin, spec);
    assertThat(r.status()).as("%s", r).isEqualTo(status);
    assertThat(r.errorType()).as("%s", r).isEqualTo(type);
    assertThat(r.message()).as("%s", r).isNotBlank();
    assertThat(r.requestId()).isNotBlank();
    assertThat(r.contentType()).isEqualTo(RawPcs.AMZ_JSON);
    assertThat(StoreSnapshot.take(admin)).as("store after refused request").isEqualTo(before);
    return r;
  }

  @Test
  void unsignedRequestIsMissingAuthenticationToken() {
    refusedCreate(
        admin.spec("CreateCluster", createCluster("unsigned")).unsigned(),
        403,
        "MissingAuthenticationTokenException");
  }

  @Test
  void unknownAccessKeyIsUnrecognizedClient() {
    refusedCreate(
        admin
            .spec("CreateCluster", createCluster("unknown-key"))
            .signer(new SigV4.Credentials(UNKNOWN_KEY, WRONG_SECRET)),
        403,
        "UnrecognizedClientException");
  }

  @Test
  void wrongSecretIsInvalidSignature() {
    refusedCreate(
        admin
            .spec("CreateCluster", createCluster("wrong-secret"))
            .signer(new SigV4.Credentials(server.admin().accessKeyId(), WRONG_SECRET)),
        403,
        "InvalidSignatureException");
  }

  @Test
  void requestSigned16MinutesAgoIsExpired() {
    RawPcs.Response r =
        refusedCreate(
            admin
                .spec("CreateCluster", createCluster("too-old"))
                .signedAt(Instant.now().minus(Duration.ofMinutes(16))),
            403,
            "InvalidSignatureException");
    assertThat(r.message()).contains("Signature expired");
  }

  @Test
  void requestSigned16MinutesAheadIsNotYetCurrent() {
    RawPcs.Response r =
        refusedCreate(
            admin
                .spec("CreateCluster", createCluster("too-new"))
                .signedAt(Instant.now().plus(Duration.ofMinutes(16))),
            403,
            "InvalidSignatureException");
    assertThat(r.message()).contains("not yet current");
  }

  @Test
  void clockSkewWithinFifteenMinutesIsAccepted() {
    for (Duration skew : List.of(Duration.ofMinutes(14), Duration.ofMinutes(-14))) {
      RawPcs.Response r =
          send(
              admin,
              admin
                  .spec("GetCluster", RawPcs.object().put("clusterIdentifier", "demo"))
                  .signedAt(Instant.now().plus(skew)));
      assertThat(r.status()).as("skew %s: %s", skew, r).isEqualTo(200);
    }
  }

  @Test
  void bodyTamperedAfterSigningIsRefused() {
    byte[] tampered = RawPcs.bytes(createCluster("tampered"));
    refusedCreate(
        admin.spec("CreateCluster", createCluster("signed")).tamperedBody(tampered),
        403,
        "InvalidSignatureException");
  }

  @Test
  void targetChangedAfterSigningIsRefused() {
    // Signed as a harmless GetCluster, sent as DeleteQueue: the signature covers X-Amz-Target.
    ObjectNode body =
        RawPcs.object().put("clusterIdentifier", "demo").put("queueIdentifier", "batch");
    ObjectNode before = StoreSnapshot.take(admin);
    RawPcs.Response r =
        send(
            admin,
            admin.spec("GetQueue", body).tamperedTarget("AWSParallelComputingService.DeleteQueue"));
    assertThat(r.status()).as("%s", r).isEqualTo(403);
    assertThat(r.errorType()).isEqualTo("InvalidSignatureException");
    assertThat(StoreSnapshot.take(admin)).isEqualTo(before);
  }

  @Test
  void anIssuedKeyWorksUntilDeletedAndThenStopsWithinSeconds() {
    try (Store store = JdbcStore.open(JdbcStore.h2FileUrl(server.dataDir()), null, null)) {
      AccessKeys keys =
          new AccessKeys(
              store, SecretSealer.open(server.dataDir().resolve("master.key")), Clock.systemUTC());
      SigV4.Credentials second =
          keys.create("AuthIT second key (as openpcs keys create makes it)", true);
      secrets.add(second.secretAccessKey());
      try (RawPcs client = new RawPcs(server.endpoint(), second)) {
        RawPcs.Response ok = send(client, client.spec("ListClusters", RawPcs.object()));
        assertThat(ok.status()).as("%s", ok).isEqualTo(200);
        assertThat(ok.json().get("clusters").findValuesAsText("name")).contains("demo");

        assertThat(keys.delete(second.accessKeyId())).isTrue();
        Instant deleted = Instant.now();
        RawPcs.Response refused =
            Poll.until(
                Duration.ofSeconds(15),
                "the deleted key to be refused",
                () -> send(client, client.spec("ListClusters", RawPcs.object())),
                r -> r.status() != 200);
        assertThat(Duration.between(deleted, Instant.now())).isLessThan(Duration.ofSeconds(15));
        assertThat(refused.status()).as("%s", refused).isEqualTo(403);
        assertThat(refused.errorType()).isEqualTo("UnrecognizedClientException");
        // And it stays refused; a write with it changes nothing.
        refusedCreate(
            client.spec("CreateCluster", createCluster("deleted-key")),
            403,
            "UnrecognizedClientException");
      }
    }
  }

  @Test
  void theSdkWithWrongCredentialsGetsTheAwsErrorCodes() {
    try (PcsClient unknown = server.sdk(new SigV4.Credentials(UNKNOWN_KEY, WRONG_SECRET));
        PcsClient wrongSecret =
            server.sdk(new SigV4.Credentials(server.admin().accessKeyId(), WRONG_SECRET));
        PcsClient good = server.sdk()) {
      PcsException e1 =
          catchThrowableOfType(PcsException.class, () -> unknown.listClusters(b -> {}));
      assertThat(e1).isNotNull();
      assertThat(e1.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
      assertThat(e1.statusCode()).isEqualTo(403);
      assertThat(e1.requestId()).isNotBlank();

      PcsException e2 =
          catchThrowableOfType(PcsException.class, () -> wrongSecret.listClusters(b -> {}));
      assertThat(e2).isNotNull();
      assertThat(e2.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
      assertThat(e2.statusCode()).isEqualTo(403);

      ObjectNode before = StoreSnapshot.take(admin);
      PcsException e3 =
          catchThrowableOfType(
              PcsException.class,
              () ->
                  wrongSecret.createCluster(
                      b ->
                          b.clusterName("sdk-refused")
                              .scheduler(s -> s.type("SLURM").version("24.11"))
                              .size("SMALL")
                              .networking(n -> n.subnetIds("subnet-0123456789abcdef0"))));
      assertThat(e3).isNotNull();
      assertThat(e3.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
      assertThat(StoreSnapshot.take(admin)).isEqualTo(before);

      for (PcsException e : List.of(e1, e2, e3)) {
        bodies.add(e.getMessage());
        bodies.add(e.awsErrorDetails().errorMessage());
      }
      assertThat(good.listClusters(b -> {}).clusters()).extracting(c -> c.name()).contains("demo");
    }
  }

  @Test
  void noSecretInAnyResponseOrLogLineSoFar() {
    // Provoke every refusal once more, so that this test stands on its own.
    send(
        admin,
        admin
            .spec("GetCluster", RawPcs.object())
            .signer(new SigV4.Credentials(server.admin().accessKeyId(), WRONG_SECRET)));
    send(
        admin,
        admin
            .spec("GetCluster", RawPcs.object())
            .signer(new SigV4.Credentials(UNKNOWN_KEY, WRONG_SECRET)));
    send(
        admin,
        admin
            .spec("GetCluster", RawPcs.object())
            .signedAt(Instant.now().minus(Duration.ofHours(1))));
    send(
        admin,
        admin
            .spec("GetCluster", RawPcs.object())
            .tamperedBody("{\"clusterIdentifier\":\"x\"}".getBytes()));
    assertThat(bodies).isNotEmpty();
    assertThat(logs.list).isNotEmpty();
    assertNoSecretLeaked();
  }

  private static void assertNoSecretLeaked() {
    List<String> lines = new ArrayList<>();
    synchronized (logs) {
      for (ILoggingEvent e : new ArrayList<>(logs.list)) {
        lines.add(e.getLoggerName() + " " + e.getFormattedMessage());
        if (e.getThrowableProxy() != null) {
          lines.add(ThrowableProxyUtil.asString(e.getThrowableProxy()));
        }
        lines.add(String.valueOf(e.getMDCPropertyMap()));
      }
    }
    for (String secret : List.copyOf(secrets)) {
      assertThat(List.copyOf(bodies))
          .as("responses")
          .noneMatch(b -> b != null && b.contains(secret));
      assertThat(lines).as("log lines").noneMatch(l -> l.contains(secret));
    }
  }
}
