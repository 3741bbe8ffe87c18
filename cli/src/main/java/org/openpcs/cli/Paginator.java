package org.openpcs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.openpcs.api.ServiceModel;

/**
 * The AWS CLI's automatic pagination: follow {@code nextToken} and print one result with all items.
 * With {@code --max-items} the output stops after that many items and carries a {@code NextToken}
 * for {@code --starting-token}; like botocore's, that token is base64 JSON holding the service
 * token plus how many items of its page were already shown, so a page can be resumed halfway.
 */
final class Paginator {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String TRUNCATE = "boto_truncate_amount";

  /** The output member holding the resume token, named as in the AWS CLI. */
  static final String NEXT_TOKEN = "NextToken";

  /** The model's {@code smithy.api#paginated} trait of one operation. */
  record Config(String inputToken, String outputToken, String items, String pageSize) {
    static Optional<Config> of(ServiceModel.Operation op) {
      JsonNode p = op.traits().raw().path("smithy.api#paginated");
      if (!p.hasNonNull("inputToken") || !p.hasNonNull("outputToken") || !p.hasNonNull("items")) {
        return Optional.empty();
      }
      return Optional.of(
          new Config(
              p.get("inputToken").asText(),
              p.get("outputToken").asText(),
              p.get("items").asText(),
              p.hasNonNull("pageSize") ? p.get("pageSize").asText() : null));
    }
  }

  /** One call of the operation. */
  interface Caller {
    JsonNode call(ObjectNode request);
  }

  /** Where to resume: a service token (null for the first page) and items of it to skip. */
  record Resume(String serviceToken, int skip) {
    static Resume decode(String startingToken) {
      if (startingToken == null) {
        return new Resume(null, 0);
      }
      try {
        JsonNode t = MAPPER.readTree(Base64.getDecoder().decode(startingToken.strip()));
        if (t != null && t.isObject()) {
          JsonNode token = t.path("nextToken");
          return new Resume(token.isTextual() ? token.asText() : null, t.path(TRUNCATE).asInt(0));
        }
      } catch (java.io.IOException | IllegalArgumentException e) {
        // not one of ours: fall through
      }
      // A raw service token (say, from --no-paginate output) is accepted as it is.
      return new Resume(startingToken, 0);
    }

    /** Written as Python's json.dumps writes it, so tokens are byte-identical to the AWS CLI's. */
    String encode() {
      String json =
          "{\"nextToken\": "
              + (serviceToken == null ? "null" : TextNode.valueOf(serviceToken).toString())
              + (skip > 0 ? ", \"" + TRUNCATE + "\": " + skip : "")
              + "}";
      return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
  }

  private Paginator() {}

  static ObjectNode paginate(
      Config config,
      ObjectNode request,
      Integer maxItems,
      String startingToken,
      Integer pageSize,
      Caller caller) {
    Resume start = Resume.decode(startingToken);
    String token = start.serviceToken();
    int skip = start.skip();
    ArrayNode items = JsonNodeFactory.instance.arrayNode();
    ObjectNode rest = null;
    String resume = null;
    boolean sawItems = false;
    Set<String> seen = new HashSet<>();
    while (true) {
      ObjectNode req = request.deepCopy();
      if (pageSize != null && config.pageSize() != null) {
        req.put(config.pageSize(), pageSize);
      }
      if (token != null) {
        req.put(config.inputToken(), token);
      }
      JsonNode page = caller.call(req);
      if (rest == null) {
        rest =
            page.isObject()
                ? ((ObjectNode) page).deepCopy()
                : JsonNodeFactory.instance.objectNode();
        rest.remove(List.of(config.items(), config.outputToken()));
      }
      sawItems |= page.has(config.items());
      List<JsonNode> pageItems = new ArrayList<>();
      page.path(config.items()).forEach(pageItems::add);
      JsonNode nextNode = page.path(config.outputToken());
      String next = nextNode.isTextual() && !nextNode.asText().isEmpty() ? nextNode.asText() : null;
      int from = Math.min(skip, pageItems.size());
      skip = 0;
      if (maxItems != null && items.size() + (pageItems.size() - from) >= maxItems) {
        int take = maxItems - items.size();
        pageItems.subList(from, from + take).forEach(items::add);
        if (from + take < pageItems.size()) {
          resume = new Resume(token, from + take).encode(); // same page again, skipping these
        } else if (next != null) {
          resume = new Resume(next, 0).encode();
        }
        break;
      }
      pageItems.subList(from, pageItems.size()).forEach(items::add);
      if (next == null) {
        break;
      }
      if (!seen.add(next)) {
        throw new IllegalStateException(
            "The same next token was received twice: " + next + " (the server is looping)");
      }
      token = next;
    }
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    if (sawItems || !items.isEmpty()) {
      result.set(config.items(), items); // botocore shows the list only if a page had it
    }
    result.setAll(rest);
    if (resume != null) {
      result.put(NEXT_TOKEN, resume);
    }
    return result;
  }
}
