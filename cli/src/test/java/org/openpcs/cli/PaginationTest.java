package org.openpcs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Automatic pagination over a three-page listing ({@code [c1,c2]}, {@code [c3,c4]}, {@code [c5]}),
 * with the AWS CLI's {@code --max-items}/{@code --starting-token} resume tokens.
 */
class PaginationTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  // What aws-cli prints for --max-items 3 on these pages: base64 of
  // {"nextToken": "t1", "boto_truncate_amount": 1}, i.e. page 2 again, skipping one item.
  private static final String AWS_CLI_TOKEN_AFTER_3 =
      "eyJuZXh0VG9rZW4iOiAidDEiLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==";

  @TempDir Path home;
  private StubServer stub;

  @BeforeEach
  void start() {
    stub = StubServer.start();
    stub.respond(
        r -> {
          String token = r.json().path("nextToken").asText("");
          return new StubServer.Reply(
              200,
              switch (token) {
                case "" -> page("t1", 1, 2);
                case "t1" -> page("t2", 3, 4);
                case "t2" -> page(null, 5);
                default -> throw new AssertionError("unexpected token " + token);
              });
        });
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  static String page(String next, int... ids) {
    List<String> items = new ArrayList<>();
    for (int i : ids) {
      items.add(
          "{\"name\":\"c%d\",\"id\":\"pcs_%d\",\"arn\":\"arn:aws:pcs:us-east-1:123456789012:cluster/pcs_%d\","
                  .formatted(i, i, i)
              + "\"createdAt\":\"2025-01-01T00:00:00Z\",\"modifiedAt\":\"2025-01-01T00:00:00Z\","
              + "\"status\":\"ACTIVE\"}");
    }
    return "{\"clusters\":["
        + String.join(",", items)
        + "]"
        + (next == null ? "" : ",\"nextToken\":\"" + next + "\"")
        + "}";
  }

  private CliRunner.Result run(String... args) {
    CliRunner.Result r = CliRunner.run(CliRunner.env(home, stub.url()), args);
    assertThat(r.err()).isEmpty();
    assertThat(r.exitCode()).isZero();
    return r;
  }

  private static List<String> names(CliRunner.Result r) throws Exception {
    List<String> names = new ArrayList<>();
    MAPPER.readTree(r.out()).path("clusters").forEach(c -> names.add(c.get("name").asText()));
    return names;
  }

  private List<String> tokensSent() {
    return stub.requests().stream().map(q -> q.json().path("nextToken").asText("-")).toList();
  }

  @Test
  void readsAllPagesIntoOneResult() throws Exception {
    CliRunner.Result r = run("list-clusters");

    assertThat(names(r)).containsExactly("c1", "c2", "c3", "c4", "c5");
    assertThat(tokensSent()).containsExactly("-", "t1", "t2");
    JsonNode out = MAPPER.readTree(r.out());
    assertThat(out.has("nextToken")).isFalse();
    assertThat(out.has("NextToken")).isFalse();
    assertThat(r.out()).isEqualTo(Golden.read("list-clusters.json.txt"));
  }

  @Test
  void maxItemsStopsMidPageAndTheTokenResumesThere() throws Exception {
    CliRunner.Result first = run("list-clusters", "--max-items", "3");

    assertThat(names(first)).containsExactly("c1", "c2", "c3");
    String token = MAPPER.readTree(first.out()).get("NextToken").asText();
    assertThat(token).isEqualTo(AWS_CLI_TOKEN_AFTER_3);
    assertThat(first.out()).isEqualTo(Golden.read("list-clusters-max-items-3.json.txt"));

    CliRunner.Result rest = run("list-clusters", "--starting-token", token);

    assertThat(names(rest)).containsExactly("c4", "c5");
    assertThat(MAPPER.readTree(rest.out()).has("NextToken")).isFalse();
    assertThat(tokensSent()).containsExactly("-", "t1", "t1", "t2");
  }

  @Test
  void maxItemsOnAPageBoundaryResumesWithTheNextPage() throws Exception {
    CliRunner.Result first = run("list-clusters", "--max-items", "2");
    String token = MAPPER.readTree(first.out()).get("NextToken").asText();

    CliRunner.Result second = run("list-clusters", "--starting-token", token, "--max-items", "2");
    String token2 = MAPPER.readTree(second.out()).get("NextToken").asText();
    CliRunner.Result third = run("list-clusters", "--starting-token", token2, "--max-items", "2");

    assertThat(names(first)).containsExactly("c1", "c2");
    assertThat(names(second)).containsExactly("c3", "c4");
    assertThat(names(third)).containsExactly("c5");
    assertThat(MAPPER.readTree(third.out()).has("NextToken")).isFalse();
    assertThat(tokensSent()).containsExactly("-", "t1", "t2");
  }

  @Test
  void pageSizeIsSentAsMaxResultsOnEveryCall() {
    run("list-clusters", "--page-size", "2");

    assertThat(stub.requests()).hasSize(3);
    assertThat(stub.requests())
        .allSatisfy(q -> assertThat(q.json().get("maxResults").asInt()).isEqualTo(2));
  }

  @Test
  void noPaginateMakesOneCallAndShowsTheServiceToken() throws Exception {
    CliRunner.Result r = run("list-clusters", "--no-paginate");

    assertThat(stub.requests()).hasSize(1);
    assertThat(names(r)).containsExactly("c1", "c2");
    assertThat(MAPPER.readTree(r.out()).get("nextToken").asText()).isEqualTo("t1");
  }

  @Test
  void givingTheRawPagingMembersMeansPagingByHand() throws Exception {
    CliRunner.Result r = run("list-clusters", "--next-token", "t1", "--max-results", "2");

    assertThat(stub.only().json())
        .isEqualTo(MAPPER.readTree("{\"nextToken\":\"t1\",\"maxResults\":2}"));
    assertThat(names(r)).containsExactly("c3", "c4");
    assertThat(MAPPER.readTree(r.out()).get("nextToken").asText()).isEqualTo("t2");
  }

  @Test
  void textOutputEndsWithTheNextTokenLine() {
    CliRunner.Result r = run("list-clusters", "--max-items", "3", "--output", "text");

    assertThat(r.out()).isEqualTo(Golden.read("list-clusters-max-items-3.text.txt"));
    assertThat(r.out()).endsWith("NEXTTOKEN\t" + AWS_CLI_TOKEN_AFTER_3 + "\n");
  }

  @Test
  void tableOutputOfAPartialListing() {
    CliRunner.Result r = run("list-clusters", "--max-items", "3", "--output", "table");

    assertThat(r.out()).isEqualTo(Golden.read("list-clusters-max-items-3.table.txt"));
  }

  @Test
  void aServerThatRepeatsItsTokenIsAnErrorNotALoop() {
    stub.respond(r -> new StubServer.Reply(200, page("again", 1)));

    CliRunner.Result r = CliRunner.run(CliRunner.env(home, stub.url()), "list-clusters");

    assertThat(r.exitCode()).isEqualTo(255);
    assertThat(r.err()).contains("The same next token was received twice: again");
    assertThat(stub.requests()).hasSize(2);
  }
}
