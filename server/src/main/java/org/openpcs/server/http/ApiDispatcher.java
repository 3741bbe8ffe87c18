package org.openpcs.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.openpcs.api.PcsJson;
import org.openpcs.api.ServiceModel;
import org.openpcs.api.ShapeValidator;
import org.openpcs.api.auth.SigV4Verifier;
import org.openpcs.api.error.InternalServerException;
import org.openpcs.api.error.PcsException;
import org.openpcs.api.error.ValidationException;
import org.openpcs.api.error.ValidationException.Reason;
import org.openpcs.server.ops.CallContext;
import org.openpcs.server.ops.IdempotentExecutor;
import org.openpcs.server.ops.Operation;
import org.openpcs.server.ops.OperationTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PCS protocol pipeline, independent of the HTTP library: authenticate (SigV4) → operation from
 * {@code X-Amz-Target} → content type → parse → model validation → handler in a transaction.
 * Nothing is written before every check passed. Unexpected failures become InternalServerException
 * with the request id; the stack trace goes to the log only.
 */
public final class ApiDispatcher {
  private static final Logger log = LoggerFactory.getLogger(ApiDispatcher.class);

  private static final com.fasterxml.jackson.databind.ObjectReader STRICT =
      PcsJson.mapper()
          .reader()
          .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final SigV4Verifier verifier;
  private final OperationTable operations;
  private final ShapeValidator validator;
  private final IdempotentExecutor executor;
  private final Clock clock;
  private final RequestListener listener;
  private final java.util.function.Predicate<String> isAdministrator;

  /** Observes every completed request (audit log, metrics). */
  @FunctionalInterface
  public interface RequestListener {
    void completed(
        String requestId,
        String principal,
        String operation,
        int status,
        String errorType,
        long nanos);

    /**
     * The same call with what an audit log needs besides: the caller's address and the call's
     * subject. Listeners that only count calls need not override it.
     */
    default void completed(Completed call) {
      completed(
          call.requestId(),
          call.principal(),
          call.operation(),
          call.status(),
          call.errorType(),
          call.nanos());
    }

    /** Both listeners, this one first. */
    default RequestListener andThen(RequestListener next) {
      RequestListener first = this;
      return new RequestListener() {
        @Override
        public void completed(
            String requestId,
            String principal,
            String operation,
            int status,
            String errorType,
            long nanos) {
          first.completed(requestId, principal, operation, status, errorType, nanos);
          next.completed(requestId, principal, operation, status, errorType, nanos);
        }

        @Override
        public void completed(Completed call) {
          first.completed(call);
          next.completed(call);
        }
      };
    }

    /** A listener that wants the whole {@link Completed} call. */
    static RequestListener of(java.util.function.Consumer<Completed> listener) {
      return new RequestListener() {
        @Override
        public void completed(
            String requestId,
            String principal,
            String operation,
            int status,
            String errorType,
            long nanos) {
          listener.accept(
              new Completed(
                  requestId, principal, operation, status, errorType, nanos, null, CallFacts.NONE));
        }

        @Override
        public void completed(Completed call) {
          listener.accept(call);
        }
      };
    }
  }

  /**
   * One finished call. {@code principal} and {@code operation} are null when authentication or the
   * target failed; {@code subject} holds identifiers only, never a body.
   */
  public record Completed(
      String requestId,
      String principal,
      String operation,
      int status,
      String errorType,
      long nanos,
      String remote,
      CallFacts subject) {}

  public ApiDispatcher(
      SigV4Verifier verifier,
      OperationTable operations,
      IdempotentExecutor executor,
      Clock clock,
      RequestListener listener,
      java.util.function.Predicate<String> isAdministrator) {
    this.isAdministrator = isAdministrator;
    this.verifier = verifier;
    this.operations = operations;
    this.validator = new ShapeValidator(ServiceModel.load());
    this.executor = executor;
    this.clock = clock;
    this.listener = listener;
  }

  public RawResponse dispatch(RawRequest request) {
    long start = System.nanoTime();
    String requestId = UUID.randomUUID().toString();
    String principal = null;
    String operation = null;
    JsonNode[] parsed = {null};
    String body = null;
    RawResponse response;
    try {
      principal =
          verifier.verify(
              request.method(),
              request.rawPath(),
              request.rawQuery(),
              request.headers(),
              request.body());
      Operation<?> op = operation(request);
      operation = op.name();
      if (!OperationTable.NODE_KEY_OPERATIONS.contains(op.name())
          && !isAdministrator.test(principal)) {
        throw new org.openpcs.api.error.AccessDeniedException(
            "The access key " + principal + " is a node key; it may only register instances.");
      }
      body = run(op, request, requestId, principal, parsed);
      response = RawResponse.json(200, requestId, body, Map.of());
    } catch (PcsException e) {
      response = ErrorWriter.write(e, requestId);
    } catch (RuntimeException e) {
      log.error("request {} ({}) failed", requestId, operation, e);
      response =
          ErrorWriter.write(
              new InternalServerException(
                  "An internal error occurred (request id " + requestId + ")."),
              requestId);
    }
    String errorType = response.status() == 200 ? null : response.headers().get("x-amzn-ErrorType");
    long nanos = System.nanoTime() - start;
    listener.completed(
        new Completed(
            requestId,
            principal,
            operation,
            response.status(),
            errorType,
            nanos,
            request.remote(),
            CallFacts.of(operation, parsed[0], response.status(), body)));
    return response;
  }

  private Operation<?> operation(RawRequest request) {
    String target = request.header("X-Amz-Target");
    if (!"POST".equals(request.method()) || !"/".equals(request.rawPath())) {
      throw new ValidationException(
          Reason.UNKNOWN_OPERATION,
          "PCS operations are sent as POST / with an X-Amz-Target header.");
    }
    if (target != null
        && (target.startsWith(org.openpcs.server.ops.AgentOps.TARGET_PREFIX)
            || target.startsWith(OperationTable.EXTENSION_PREFIX))) {
      Operation<?> op =
          operations
              .findExtension(target)
              .orElseThrow(
                  () ->
                      new ValidationException(
                          Reason.UNKNOWN_OPERATION,
                          "Unknown operation '" + abbreviate(target) + "'."));
      requireJson(request);
      return op;
    }
    if (target == null || !target.startsWith(ServiceModel.TARGET_PREFIX)) {
      throw new ValidationException(
          Reason.UNKNOWN_OPERATION,
          "Missing or unknown X-Amz-Target '"
              + (target == null ? "" : abbreviate(target))
              + "'; expected "
              + ServiceModel.TARGET_PREFIX
              + "<Operation>.");
    }
    String name = target.substring(ServiceModel.TARGET_PREFIX.length());
    Operation<?> op =
        operations
            .find(name)
            .orElseThrow(
                () ->
                    new ValidationException(
                        Reason.UNKNOWN_OPERATION, "Unknown operation '" + abbreviate(name) + "'."));
    requireJson(request);
    return op;
  }

  private static void requireJson(RawRequest request) {
    String contentType = request.header("Content-Type");
    if (contentType == null
        || !contentType.split(";")[0].trim().equalsIgnoreCase(RawResponse.AMZ_JSON)) {
      throw new ValidationException(
          Reason.CANNOT_PARSE,
          "Unsupported Content-Type '"
              + (contentType == null ? "" : abbreviate(contentType))
              + "'; send "
              + RawResponse.AMZ_JSON
              + ".");
    }
  }

  private <I> String run(
      Operation<I> op, RawRequest request, String requestId, String principal, JsonNode[] parsed) {
    JsonNode json = parse(request.body());
    parsed[0] = json;
    if (op.inputType() != JsonNode.class) {
      var problems = new java.util.ArrayList<>(validator.validate(op.name(), json));
      if (!problems.isEmpty()) {
        problems.addAll(semanticProblems(op, json, problems));
        throw ValidationException.ofFields(problems);
      }
    }
    I input = PcsJson.fromTree(json, op.inputType());
    CallContext ctx =
        new CallContext(
            requestId,
            principal,
            clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    return executor.execute(op, input, json, ctx);
  }

  /**
   * The semantic problems of a request that already failed model validation, for fields the model
   * check did not name, so that one response lists everything. Best effort: a request too broken to
   * read contributes nothing more.
   */
  private static <I> java.util.List<ValidationException.Field> semanticProblems(
      Operation<I> op, JsonNode json, java.util.List<ValidationException.Field> already) {
    if (op.precheck() == null) {
      return java.util.List.of();
    }
    // A structure (e.g. one custom setting) that already has a model error gets no further
    // judgement: its other members are reported only once the structure is well-formed.
    java.util.Set<String> broken = new java.util.HashSet<>();
    already.stream().map(f -> parent(f.name())).filter(p -> !p.isEmpty()).forEach(broken::add);
    try {
      return op.precheck().problems(PcsJson.fromTree(json, op.inputType())).stream()
          .filter(
              f ->
                  !broken.contains(parent(f.name()))
                      && already.stream().noneMatch(a -> a.name().equals(f.name())))
          .toList();
    } catch (RuntimeException unreadable) {
      return java.util.List.of();
    }
  }

  /** {@code a.b[0].c} → {@code a.b[0]}; a top-level member → "" (the request itself). */
  private static String parent(String field) {
    int dot = field.lastIndexOf('.');
    return dot < 0 ? "" : field.substring(0, dot);
  }

  private static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return PcsJson.mapper().createObjectNode();
    }
    try {
      // Trailing content after the object is refused, not silently ignored.
      JsonNode json = STRICT.readTree(body);
      if (json == null || !json.isObject()) {
        throw new ValidationException(
            Reason.CANNOT_PARSE, "The request body must be a JSON object.");
      }
      return json;
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      throw new ValidationException(
          Reason.CANNOT_PARSE,
          at == null
              ? "The request body is not valid JSON or exceeds the parser's limits (nesting, number or name length)."
              : "The request body is not valid JSON (line "
                  + at.getLineNr()
                  + ", column "
                  + at.getColumnNr()
                  + ").");
    } catch (java.io.IOException e) {
      throw new ValidationException(Reason.CANNOT_PARSE, "The request body could not be read.");
    }
  }

  private static String abbreviate(String s) {
    String printable = s.replaceAll("\\p{Cntrl}", "?");
    return printable.length() > 100 ? printable.substring(0, 100) + "..." : printable;
  }
}
