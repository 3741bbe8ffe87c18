package org.openpcs.api.auth;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** The AWS SDK's own SigV4 signer, the reference our implementation is held to. */
final class SdkSigner {
  static final String ACCESS_KEY = "AKIAOPENPCSTEST00001";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  static final Instant NOW = Instant.parse("2025-03-14T15:09:26Z");
  static final String TARGET = "AWSParallelComputingService.ListClusters";
  static final String CONTENT_TYPE = "application/x-amz-json-1.0";
  static final byte[] BODY = "{\"maxResults\":5}".getBytes();

  private SdkSigner() {}

  /** A request shaped like the ones the PCS SDK sends, before signing. */
  static SdkHttpFullRequest.Builder pcsRequest(byte[] body) {
    return SdkHttpFullRequest.builder()
        .method(SdkHttpMethod.POST)
        .protocol("http")
        .host("127.0.0.1")
        .port(8443)
        .encodedPath("/")
        .putHeader("amz-sdk-invocation-id", "4a5ae1f6-3c2b-4b2e-8f8e-2a3c1f5b9d10")
        .putHeader("amz-sdk-request", "attempt=1; max=4")
        .putHeader("Content-Type", CONTENT_TYPE)
        .putHeader("X-Amz-Target", TARGET)
        .putHeader("Host", "127.0.0.1:8443")
        .putHeader("Content-Length", Integer.toString(body.length))
        .putHeader("User-Agent", "aws-sdk-java/2.40.2 md/io#sync api/PCS#2.40.2");
  }

  static SdkHttpRequest sign(
      SdkHttpRequest request,
      byte[] body,
      String accessKey,
      String secret,
      String region,
      String service,
      Instant at) {
    return AwsV4HttpSigner.create()
        .sign(
            r ->
                r.identity(AwsCredentialsIdentity.create(accessKey, secret))
                    .request(request)
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)))
        .request();
  }

  static SdkHttpRequest signPcs(byte[] body) {
    return sign(pcsRequest(body).build(), body, ACCESS_KEY, SECRET, "us-east-1", "pcs", NOW);
  }

  /** The headers as a server would see them: a plain mutable map with the SDK's spelling. */
  static Map<String, List<String>> headers(SdkHttpRequest request) {
    return new LinkedHashMap<>(request.headers());
  }

  static String rawQuery(SdkHttpRequest request) {
    return request.encodedQueryParameters().orElse(null);
  }
}
