package org.openpcs.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/**
 * The options every operation command has besides its members: the AWS CLI's global options, its
 * input helpers, and (for paginated operations) its pagination controls.
 */
final class CommonOptions {
  /** The values of one invocation. */
  record Values(
      String endpointUrl,
      String region,
      String profile,
      String output,
      boolean debug,
      boolean noPaginate,
      Integer maxItems,
      String startingToken,
      Integer pageSize,
      String cliInputJson,
      String skeleton) {}

  private final boolean paginated;

  CommonOptions(boolean paginated) {
    this.paginated = paginated;
  }

  void addTo(CommandSpec spec) {
    spec.addOption(
        value(
            "--cli-input-json",
            "Reads arguments from the JSON string provided (or file://path). Options given on the"
                + " command line override values from the JSON. Its format is that of"
                + " --generate-cli-skeleton."));
    spec.addOption(
        OptionSpec.builder("--generate-cli-skeleton")
            .paramLabel("input|output")
            .arity("0..1")
            .fallbackValue("input")
            .type(String.class)
            .converters(new Choice("input", "output"))
            .description(
                "Prints a JSON skeleton of the input (default) or output without sending a"
                    + " request. Edit it and pass it back with --cli-input-json.")
            .build());
    if (paginated) {
      spec.addOption(
          value(
              "--starting-token",
              "A token to resume from: the NextToken of a previous --max-items output."));
      spec.addOption(
          integer(
              "--page-size",
              "The number of items asked for in each call; all pages are still read."));
      spec.addOption(
          integer(
              "--max-items",
              "The total number of items to print. When more remain, a NextToken is printed to"
                  + " pass to --starting-token."));
    }
    spec.addOption(
        flag(
            "--no-paginate",
            "Make one call and print its result as it is, instead of reading all pages."));
    spec.addOption(
        value(
            "--endpoint-url",
            "The OpenPCS endpoint. Default: $AWS_ENDPOINT_URL_PCS, $AWS_ENDPOINT_URL, the"
                + " profile's endpoint_url, then "
                + CredentialResolver.DEFAULT_ENDPOINT
                + "."));
    spec.addOption(
        value(
            "--region",
            "The region to sign for. Default: $AWS_REGION, the profile's region, then "
                + CredentialResolver.DEFAULT_REGION
                + "."));
    spec.addOption(
        value(
            "--profile",
            "A profile from $OPENPCS_HOME/aws or ~/.aws. Default: $AWS_PROFILE, then "
                + CredentialResolver.DEFAULT_PROFILE
                + "."));
    spec.addOption(
        OptionSpec.builder("--output")
            .paramLabel("json|table|text")
            .type(String.class)
            .converters(new Choice(OutputFormatter.FORMATS.toArray(String[]::new)))
            .description("The output format. Default: $AWS_DEFAULT_OUTPUT, then json.")
            .build());
    spec.addOption(flag("--debug", "Log each request and response to stderr."));
  }

  Values read(ParseResult pr, CliEnvironment env) {
    String output =
        pr.matchedOptionValue(
            "--output",
            env.get("AWS_DEFAULT_OUTPUT").filter(OutputFormatter.FORMATS::contains).orElse("json"));
    Integer maxItems = paginated ? pr.matchedOptionValue("--max-items", null) : null;
    Integer pageSize = paginated ? pr.matchedOptionValue("--page-size", null) : null;
    if (maxItems != null && maxItems < 1) {
      throw CliFailure.param("Error parsing parameter '--max-items': must be at least 1");
    }
    if (pageSize != null && pageSize < 1) {
      throw CliFailure.param("Error parsing parameter '--page-size': must be at least 1");
    }
    return new Values(
        pr.matchedOptionValue("--endpoint-url", null),
        pr.matchedOptionValue("--region", null),
        pr.matchedOptionValue("--profile", null),
        output,
        pr.hasMatchedOption("--debug"),
        pr.hasMatchedOption("--no-paginate"),
        maxItems,
        paginated ? pr.matchedOptionValue("--starting-token", null) : null,
        pageSize,
        pr.matchedOptionValue("--cli-input-json", null),
        pr.matchedOptionValue("--generate-cli-skeleton", null));
  }

  private static OptionSpec value(String name, String description) {
    return OptionSpec.builder(name)
        .paramLabel("<value>")
        .type(String.class)
        .arity("1")
        .description(description)
        .build();
  }

  private static OptionSpec integer(String name, String description) {
    return OptionSpec.builder(name)
        .paramLabel("<value>")
        .type(Integer.class)
        .arity("1")
        .description(description)
        .build();
  }

  private static OptionSpec flag(String name, String description) {
    return OptionSpec.builder(name).arity("0").type(boolean.class).description(description).build();
  }

  /** Accepts one of a fixed set of words, with argparse's message otherwise. */
  private record Choice(String... choices) implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      for (String c : choices) {
        if (c.equals(value)) {
          return value;
        }
      }
      throw new TypeConversionException(
          "Invalid choice, valid choices are: " + String.join(" | ", choices));
    }
  }
}
