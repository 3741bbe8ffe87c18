package org.openpcs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.openpcs.api.ServiceModel;
import org.openpcs.api.ServiceModel.Operation;
import org.openpcs.api.ServiceModel.Shape;
import org.openpcs.api.client.PcsClientException;
import org.openpcs.api.client.PcsHttpClient;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * One PCS operation as a command ({@code create-cluster}), built from the model: an option per
 * input member plus {@link CommonOptions}. Running it builds the request, validates it as botocore
 * would, signs and sends it, and prints the result; every failure becomes the AWS CLI's message and
 * exit code instead of a stack trace.
 */
final class OperationCommand implements Callable<Integer> {
  private final ServiceModel model;
  private final Operation op;
  private final Shape input;
  private final CliEnvironment env;
  private final List<OptionMapper> members = new ArrayList<>();
  private final Optional<Paginator.Config> paging;
  private final CommonOptions common;
  private CommandSpec spec;

  private OperationCommand(ServiceModel model, Operation op, CliEnvironment env) {
    this.model = model;
    this.op = op;
    // An operation without input takes no member options; smithy.api#Unit has no members.
    this.input = model.shape(op.inputShape() == null ? "smithy.api#Unit" : op.inputShape());
    this.env = env;
    this.paging = Paginator.Config.of(op);
    this.common = new CommonOptions(paging.isPresent());
  }

  static CommandLine create(ServiceModel model, Operation op, CliEnvironment env) {
    OperationCommand command = new OperationCommand(model, op, env);
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
    spec.name(Names.kebab(op.name()));
    // Model documentation is free text: no ${...} variables or format specifiers in it.
    spec.interpolateVariables(false);
    spec.usageMessage().sortOptions(false);
    // The AWS CLI lets a later --opt replace an earlier one (handy after an alias or in scripts).
    spec.parser().overwrittenOptionsAllowed(true);
    // picocli lists subcommands by their first description line: make that the first sentence.
    String summary = op.traits().documentation().map(d -> Docs.summary(d, 3)).orElse("");
    String first = Docs.summary(summary, 1);
    String rest = summary.substring(first.length()).strip();
    spec.usageMessage()
        .description(
            rest.isEmpty()
                ? new String[] {Docs.escapeForPicocli(first)}
                : new String[] {Docs.escapeForPicocli(first), Docs.escapeForPicocli(rest)})
        .descriptionHeading("%n")
        .optionListHeading("%nOptions:%n");
    command.input.members().values().forEach(m -> command.members.add(new OptionMapper(model, m)));
    command.members.forEach(m -> spec.addOption(m.spec()));
    command.common.addTo(spec);
    spec.addOption(
        OptionSpec.builder("-h", "--help")
            .usageHelp(true)
            .description("Show this help message and exit.")
            .build());
    spec.usageMessage().customSynopsis(command.synopsis(spec.name()));
    command.spec = spec;
    return new CommandLine(spec);
  }

  /** The AWS CLI's synopsis layout: required options bare, the rest in brackets, one per line. */
  private String[] synopsis(String name) {
    List<String> lines = new ArrayList<>();
    lines.add("openpcs " + name);
    for (OptionMapper m : members) {
      String o = m.optionName() + (m.spec().arity().max() == 0 ? "" : " <value>");
      lines.add("    " + (m.required() ? o : "[" + o + "]"));
    }
    lines.add("    [--cli-input-json <value>] [--generate-cli-skeleton <value>]");
    if (paging.isPresent()) {
      lines.add("    [--starting-token <value>] [--page-size <value>] [--max-items <value>]");
    }
    lines.add("    [--endpoint-url <value>] [--region <value>] [--profile <value>]");
    lines.add("    [--output json|table|text] [--no-paginate] [--debug]");
    return lines.toArray(String[]::new);
  }

  @Override
  public Integer call() {
    CommandLine cl = spec.commandLine();
    PrintWriter out = cl.getOut();
    PrintWriter err = cl.getErr();
    CredentialResolver.Target target = null;
    boolean debug = false;
    try {
      ParseResult pr = cl.getParseResult();
      CommonOptions.Values o = common.read(pr, env);
      debug = o.debug();
      if (o.skeleton() != null) {
        boolean output = o.skeleton().equals("output");
        Skeleton skeleton = new Skeleton(model, output);
        out.print(OutputFormatter.json(skeleton.of(output ? op.outputShape() : op.inputShape())));
        out.print("\n");
        return 0;
      }
      ObjectNode body =
          new RequestBuilder(input, members, new ParamFiles(env.home()))
              .build(pr, o.cliInputJson());
      List<String> problems = new ParamValidator(model).validate(input, body);
      if (!problems.isEmpty()) {
        throw CliFailure.param("Parameter validation failed:\n" + String.join("\n", problems));
      }
      target = new CredentialResolver(env).resolve(o.endpointUrl(), o.region(), o.profile());
      JsonNode result =
          new ResponseOrder(model).apply(op.outputShape(), invoke(target, body, o, err));
      out.print(OutputFormatter.format(o.output(), op.name(), result, env.terminalWidth()));
      return 0;
    } catch (CliFailure f) {
      err.print(
          f.showUsage()
              ? Failures.usage(spec.root().name(), f.getMessage())
              : "\n" + f.getMessage() + "\n");
      return f.exitCode();
    } catch (PcsClientException e) {
      debugTrace(debug, err, e);
      err.print(Failures.serviceError(e, op.name()));
      return CliFailure.SERVICE;
    } catch (RuntimeException e) {
      debugTrace(debug, err, e);
      Optional<String> connection =
          target == null ? Optional.empty() : Failures.connectionFailure(e, target.endpoint());
      err.print(connection.orElseGet(() -> "\n" + describe(e) + "\n"));
      return CliFailure.OTHER;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private JsonNode invoke(
      CredentialResolver.Target t, ObjectNode body, CommonOptions.Values o, PrintWriter err) {
    if (o.debug()) {
      err.println(
          "DEBUG - endpoint "
              + t.endpoint()
              + ", region "
              + t.region()
              + ", credentials from "
              + t.credentialSource()
              + " (access key "
              + t.credentials().accessKeyId()
              + ")");
    }
    try (PcsHttpClient client =
        new PcsHttpClient(t.endpoint(), t.credentials(), t.region(), clientOptions())) {
      Paginator.Caller caller =
          req -> {
            if (o.debug()) {
              err.println("DEBUG - " + ServiceModel.TARGET_PREFIX + op.name() + " request: " + req);
            }
            JsonNode resp = client.call(op.name(), req);
            if (o.debug()) {
              err.println("DEBUG - " + op.name() + " response: " + resp);
            }
            return resp;
          };
      Optional<Paginator.Config> auto = paging.filter(p -> autoPaginate(p, body, o));
      if (auto.isPresent()) {
        return Paginator.paginate(
            auto.get(), body, o.maxItems(), o.startingToken(), o.pageSize(), caller);
      }
      paging.ifPresent(p -> applyManualPaging(p, body, o));
      return caller.call(body);
    }
  }

  // As in the AWS CLI, giving the raw token or page-size member means "I am paging myself".
  private static boolean autoPaginate(Paginator.Config p, ObjectNode body, CommonOptions.Values o) {
    return !o.noPaginate()
        && !body.has(p.inputToken())
        && (p.pageSize() == null || !body.has(p.pageSize()));
  }

  private static void applyManualPaging(
      Paginator.Config p, ObjectNode body, CommonOptions.Values o) {
    if (o.pageSize() != null && p.pageSize() != null && !body.has(p.pageSize())) {
      body.put(p.pageSize(), o.pageSize());
    }
    if (o.startingToken() != null && !body.has(p.inputToken())) {
      String token = Paginator.Resume.decode(o.startingToken()).serviceToken();
      if (token != null) {
        body.put(p.inputToken(), token);
      }
    }
  }

  /** {@code AWS_MAX_ATTEMPTS} counts the first attempt too, as in the AWS CLI. */
  private PcsHttpClient.Options clientOptions() {
    PcsHttpClient.Options d = PcsHttpClient.Options.defaults();
    int retries = d.maxRetries();
    Optional<String> attempts = env.get("AWS_MAX_ATTEMPTS");
    if (attempts.isPresent()) {
      try {
        retries = Math.max(0, Integer.parseInt(attempts.get().strip()) - 1);
      } catch (NumberFormatException e) {
        throw CliFailure.config("AWS_MAX_ATTEMPTS must be a whole number: " + attempts.get());
      }
    }
    return new PcsHttpClient.Options(
        d.connectTimeout(), d.requestTimeout(), retries, d.baseDelay(), d.maxDelay());
  }

  private static String describe(RuntimeException e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  private static void debugTrace(boolean debug, PrintWriter err, Throwable e) {
    if (debug) {
      e.printStackTrace(err);
    }
  }
}
