package org.openpcs.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openpcs.api.auth.SdkSigner.ACCESS_KEY;
import static org.openpcs.api.auth.SdkSigner.BODY;
import static org.openpcs.api.auth.SdkSigner.NOW;
import static org.openpcs.api.auth.SdkSigner.SECRET;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpRequest;

/** Our signer against the AWS SDK's: same input, byte-identical headers. */
class SigV4Test {
  private static final SigV4.Credentials CREDS = new SigV4.Credentials(ACCESS_KEY, SECRET);

  @Test
  void signsAPcsRequestExactlyLikeTheSdk() {
    assertSameAsSdk(SdkSigner.pcsRequest(BODY).build(), BODY, "us-east-1");
  }

  @Test
  void signsAnEmptyBodyAndAnotherRegionLikeTheSdk() {
    byte[] empty = new byte[0];
    assertSameAsSdk(SdkSigner.pcsRequest(empty).build(), empty, "eu-west-1");
  }

  @Test
  void canonicalisesPathQueryAndHeaderValuesLikeTheSdk() {
    SdkHttpFullRequest request =
        SdkSigner.pcsRequest(BODY)
            .encodedPath("/a%20b/c%2Fd/./e/../f~g")
            .putRawQueryParameter("z", "last")
            .putRawQueryParameter("A", List.of("2", "1 one", ""))
            .putRawQueryParameter("sp ace/é", "x+y=z&*")
            .putHeader("X-Custom", List.of("  leading and   inner  ", "\tsecond\tvalue "))
            .putHeader("X-Empty", "")
            .build();
    assertSameAsSdk(request, BODY, "ap-southeast-2");
  }

  @Test
  void leavesHeadersThatHttpStacksRewriteUnsigned() {
    SdkHttpFullRequest request =
        SdkSigner.pcsRequest(BODY)
            .putHeader("Connection", "keep-alive")
            .putHeader("Expect", "100-continue")
            .putHeader("X-Amzn-Trace-Id", "Root=1-abc")
            .build();
    Map<String, String> ours = ourSignature(request, BODY, "us-east-1");
    assertThat(ours.get("Authorization"))
        .contains(
            "SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;"
                + "x-amz-content-sha256;x-amz-date;x-amz-target,")
        .isEqualTo(sdkSignature(request, BODY, "us-east-1").get("Authorization"));
  }

  @Test
  void returnsTheThreeHeadersToAdd() {
    Map<String, String> added = ourSignature(SdkSigner.pcsRequest(BODY).build(), BODY, "us-east-1");
    assertThat(added)
        .containsOnlyKeys("X-Amz-Date", "x-amz-content-sha256", "Authorization")
        .containsEntry("X-Amz-Date", "20250314T150926Z")
        .containsEntry("x-amz-content-sha256", SigV4.sha256Hex(BODY));
    assertThat(added.get("Authorization"))
        .startsWith(
            "AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/20250314/us-east-1/pcs/aws4_request, ");
  }

  @Test
  void requiresAHostHeader() {
    assertThatThrownBy(
            () ->
                SigV4.sign(
                    "POST",
                    "/",
                    null,
                    Map.of("content-type", List.of("x")),
                    BODY,
                    CREDS,
                    "us-east-1",
                    "pcs",
                    NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void credentialsNeverPrintTheSecret() {
    assertThat(CREDS.toString()).contains(ACCESS_KEY).doesNotContain(SECRET);
  }

  @Test
  void canonicalRequestFollowsTheSpecExample() {
    // The GET example from the AWS SigV4 documentation (IAM ListUsers), with its published hash.
    Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
    headers.put("content-type", List.of("application/x-www-form-urlencoded; charset=utf-8"));
    headers.put("host", List.of("iam.amazonaws.com"));
    headers.put("x-amz-date", List.of("20150830T123600Z"));
    String canonical =
        CanonicalRequest.build(
            "GET",
            "/",
            "Action=ListUsers&Version=2010-05-08",
            headers,
            SigV4.sha256Hex(new byte[0]));
    assertThat(SigV4.sha256Hex(canonical.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
    assertThat(
            SigV4.signature(
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                "20150830",
                "us-east-1",
                "iam",
                "20150830T123600Z",
                canonical))
        .isEqualTo("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  }

  static void assertSameAsSdk(SdkHttpRequest request, byte[] body, String region) {
    Map<String, String> sdk = sdkSignature(request, body, region);
    Map<String, String> ours = ourSignature(request, body, region);
    assertThat(ours).isEqualTo(sdk);
  }

  static Map<String, String> ourSignature(SdkHttpRequest request, byte[] body, String region) {
    return SigV4.sign(
        request.method().name(),
        request.encodedPath(),
        SdkSigner.rawQuery(request),
        request.headers(),
        body,
        CREDS,
        region,
        "pcs",
        NOW);
  }

  static Map<String, String> sdkSignature(SdkHttpRequest request, byte[] body, String region) {
    SdkHttpRequest signed = SdkSigner.sign(request, body, ACCESS_KEY, SECRET, region, "pcs", NOW);
    return Map.of(
        "X-Amz-Date", signed.firstMatchingHeader("X-Amz-Date").orElseThrow(),
        "x-amz-content-sha256", signed.firstMatchingHeader("x-amz-content-sha256").orElseThrow(),
        "Authorization", signed.firstMatchingHeader("Authorization").orElseThrow());
  }
}
