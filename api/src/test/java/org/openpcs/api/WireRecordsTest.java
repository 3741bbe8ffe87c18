package org.openpcs.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openpcs.api.ServiceModel.Member;
import org.openpcs.api.ServiceModel.Shape;
import org.openpcs.api.model.Cluster;
import org.openpcs.api.model.CreateClusterRequest;
import org.openpcs.api.model.DeleteClusterResponse;
import org.openpcs.api.model.GetClusterResponse;
import org.openpcs.api.model.RegisterComputeNodeGroupInstanceResponse;
import org.openpcs.api.model.UpdateClusterRequest;

/** The generated records must stay in step with the model; regenerate with api/codegen. */
class WireRecordsTest {
  private static final ServiceModel MODEL = ServiceModel.load();
  private static final String PACKAGE = "org.openpcs.api.model.";

  /** Structures reachable from an operation's input or output: the ones that travel. */
  static Set<String> wireStructures() {
    Set<String> found = new TreeSet<>();
    Deque<String> todo = new ArrayDeque<>();
    for (String op : MODEL.operationNames()) {
      var o = MODEL.operation(op).orElseThrow();
      todo.add(o.inputShape());
      todo.add(o.outputShape());
    }
    while (!todo.isEmpty()) {
      Shape s = MODEL.shape(todo.pop());
      if (s.isStructure() && found.add(s.id())) {
        s.members().values().forEach(m -> todo.add(m.target()));
      }
      for (Member m : Arrays.asList(s.listMember(), s.mapValue())) {
        if (m != null) {
          todo.add(m.target());
        }
      }
    }
    return found;
  }

  @Test
  void everyNonErrorStructureHasARecordExceptValidationExceptionField() throws IOException {
    JsonNode shapes;
    try (InputStream in = ServiceModel.class.getResourceAsStream("pcs-service-model.json")) {
      shapes = PcsJson.mapper().readTree(in).get("shapes");
    }
    Set<String> nonErrors = new TreeSet<>();
    shapes
        .properties()
        .forEach(
            e -> {
              JsonNode s = e.getValue();
              if (s.get("type").asText().equals("structure")
                  && !s.path("traits").has("smithy.api#error")) {
                nonErrors.add(e.getKey());
              }
            });
    nonErrors.removeAll(wireStructures());
    // ValidationExceptionField lives only inside ValidationException, i.e. in the hand-written
    // error taxonomy (ValidationException.Field); it is not an operation's input or output.
    assertThat(nonErrors).containsExactly(ServiceModel.NAMESPACE + "ValidationExceptionField");
  }

  @Test
  void thePackageHoldsNoRecordTheModelDoesNotHave() throws URISyntaxException {
    File dir =
        new File(
            CreateClusterRequest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    String[] files = new File(dir, "org/openpcs/api/model").list((d, n) -> n.endsWith(".class"));
    Set<String> records = new TreeSet<>();
    for (String f : files) {
      if (!f.contains("$")) {
        records.add(ServiceModel.NAMESPACE + f.replace(".class", ""));
      }
    }
    assertThat(records).isEqualTo(wireStructures());
  }

  @ParameterizedTest
  @MethodSource("wireStructures")
  void recordComponentsAreExactlyTheModelMembers(String shapeId) throws ClassNotFoundException {
    Shape shape = MODEL.shape(shapeId);
    Class<?> type = Class.forName(PACKAGE + shape.simpleName());

    assertThat(type.isRecord()).isTrue();
    RecordComponent[] components = type.getRecordComponents();
    assertThat(Arrays.stream(components).map(RecordComponent::getName))
        .containsExactlyElementsOf(shape.members().keySet());
    for (RecordComponent c : components) {
      Member m = shape.members().get(c.getName());
      assertThat(c.getAccessor().getAnnotation(JsonProperty.class).value()).isEqualTo(m.name());
      assertThat(c.getGenericType().getTypeName()).as(c.getName()).isEqualTo(javaType(m.target()));
    }
  }

  private static String javaType(String shapeId) {
    Shape s = MODEL.shape(shapeId);
    return switch (s.type()) {
      case "string", "enum", "timestamp" -> "java.lang.String";
      case "integer" -> "java.lang.Integer";
      case "long" -> "java.lang.Long";
      case "boolean" -> "java.lang.Boolean";
      case "list" -> "java.util.List<" + javaType(s.listMember().target()) + ">";
      case "map" -> "java.util.Map<java.lang.String, " + javaType(s.mapValue().target()) + ">";
      case "structure" -> PACKAGE + s.simpleName();
      default -> throw new AssertionError("unexpected shape type " + s.type());
    };
  }

  @Test
  void createClusterRequestRoundTrips() {
    JsonNode wire = InvalidRequests.validRequest("CreateCluster");

    CreateClusterRequest request = PcsJson.fromTree(wire, CreateClusterRequest.class);

    assertThat(request.clusterName()).isEqualTo("demo");
    assertThat(request.scheduler().version()).isEqualTo("24.11");
    assertThat(request.networking().subnetIds()).containsExactly("subnet-0123456789abcdef0");
    assertThat(request.tags()).isEqualTo(Map.of("team", "hpc"));
    assertThat(request.clientToken()).isNull();
    assertThat(PcsJson.tree(request)).isEqualTo(wire);
  }

  @Test
  void clusterRoundTripsWithTimestampsAsIsoStrings() throws IOException {
    String text =
        """
        {"name":"demo","id":"pcs_abcdefghij",
         "arn":"arn:aws:pcs:us-east-1:123456789012:cluster/pcs_abcdefghij","status":"ACTIVE",
         "createdAt":"2024-07-16T17:13:09.276069393Z","modifiedAt":"2025-04-01T20:19:25Z",
         "scheduler":{"type":"SLURM","version":"24.11"},"size":"SMALL",
         "slurmConfiguration":{"scaleDownIdleTimeInSeconds":600,
           "slurmCustomSettings":[{"parameterName":"Prolog","parameterValue":"/opt/prolog.sh"}],
           "authKey":{"secretArn":"arn:aws:secretsmanager:us-east-1:123456789012:secret:k","secretVersion":"v1"},
           "accounting":{"mode":"STANDARD","defaultPurgeTimeInDays":-1},"slurmRest":{"mode":"NONE"}},
         "networking":{"subnetIds":["subnet-0123456789abcdef0"],"securityGroupIds":["sg-0123456789abcdef0"],
           "networkType":"IPV4"},
         "endpoints":[{"type":"SLURMCTLD","privateIpAddress":"10.3.136.86","port":"6817"}],
         "errorInfo":[]}
        """;
    JsonNode wire = PcsJson.mapper().readTree(text);

    Cluster cluster = PcsJson.fromTree(wire, Cluster.class);

    assertThat(cluster.createdAt()).isEqualTo("2024-07-16T17:13:09.276069393Z");
    assertThat(cluster.endpoints().get(0).port()).isEqualTo("6817");
    assertThat(cluster.slurmConfiguration().accounting().defaultPurgeTimeInDays()).isEqualTo(-1);
    assertThat(PcsJson.tree(cluster)).isEqualTo(wire);
    assertThat(PcsJson.toJson(cluster)).doesNotContain("\n").doesNotContain("null");
  }

  @Test
  void absentMembersAndEmptyOutputsSerialiseAsEmptyObjects() {
    assertThat(PcsJson.toJson(new GetClusterResponse(null))).isEqualTo("{}");
    assertThat(PcsJson.toJson(new DeleteClusterResponse())).isEqualTo("{}");
    assertThat(PcsJson.fromTree(ShapeValidatorTest.json("{}"), DeleteClusterResponse.class))
        .isEqualTo(new DeleteClusterResponse());
  }

  @Test
  void unknownMembersFromNewerPeersAreIgnored() {
    JsonNode wire =
        ShapeValidatorTest.json(
            "{\"clusterIdentifier\":\"demo\",\"scheduler\":{\"version\":\"25.05\"}}");
    assertThat(PcsJson.fromTree(wire, UpdateClusterRequest.class).clusterIdentifier())
        .isEqualTo("demo");
  }

  @Test
  void registerResponseKeepsTheCapitalIdAndNeverPrintsTheSecret() {
    var response =
        new RegisterComputeNodeGroupInstanceResponse("compute-1", "c2VjcmV0LWtleQ==", List.of());

    assertThat(PcsJson.tree(response).has("nodeID")).isTrue();
    assertThat(response.toString()).contains("nodeID=compute-1").doesNotContain("c2VjcmV0LWtleQ==");
  }
}
