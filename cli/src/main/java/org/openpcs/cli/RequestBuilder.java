package org.openpcs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.openpcs.api.ServiceModel.Shape;
import picocli.CommandLine.ParseResult;

/**
 * The request body of one invocation: {@code --cli-input-json} first, then every member option
 * given on the command line on top of it (a whole member replaces the JSON's, as in the AWS CLI).
 */
final class RequestBuilder {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Shape input;
  private final List<OptionMapper> members;
  private final ParamFiles files;

  RequestBuilder(Shape input, List<OptionMapper> members, ParamFiles files) {
    this.input = input;
    this.members = members;
    this.files = files;
  }

  ObjectNode build(ParseResult pr, String cliInputJson) {
    ObjectNode merged = JsonNodeFactory.instance.objectNode();
    if (cliInputJson != null) {
      merged.setAll(cliInput(files.resolve(cliInputJson, "--cli-input-json")));
    }
    List<String> missing = new ArrayList<>();
    for (OptionMapper m : members) {
      if (pr.hasMatchedOption(m.spec())) {
        merged.set(m.memberName(), m.toJson(m.spec().getValue(), files));
      } else if (m.required() && cliInputJson == null) {
        missing.add(m.optionName());
      }
    }
    if (!missing.isEmpty()) {
      // With --cli-input-json the JSON may hold them; the validator then names what is missing.
      throw CliFailure.usage("the following arguments are required: " + String.join(", ", missing));
    }
    return inModelOrder(merged);
  }

  private static ObjectNode cliInput(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node != null && node.isObject()) {
        return (ObjectNode) node;
      }
    } catch (JsonProcessingException e) {
      throw CliFailure.param(
          "Error parsing parameter '--cli-input-json': Invalid JSON received: "
              + e.getOriginalMessage());
    }
    throw CliFailure.param(
        "Error parsing parameter '--cli-input-json': Invalid JSON received: expected an object");
  }

  private ObjectNode inModelOrder(ObjectNode merged) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    input.members().keySet().stream()
        .filter(merged::has)
        .forEach(name -> out.set(name, merged.get(name)));
    merged
        .fields()
        .forEachRemaining(
            e -> {
              if (!out.has(e.getKey())) {
                out.set(e.getKey(), e.getValue());
              }
            });
    return out;
  }
}
