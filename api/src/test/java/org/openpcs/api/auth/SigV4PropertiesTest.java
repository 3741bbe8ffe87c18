package org.openpcs.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/** Random paths, queries, header values and bodies: we sign and verify exactly as the SDK signs. */
class SigV4PropertiesTest {

  @Property(tries = 300)
  void signaturesMatchTheSdkAndVerify(
      @ForAll("segments") List<String> segments,
      @ForAll("params") List<String> params,
      @ForAll("headerValues") List<String> headerValues,
      @ForAll byte[] body) {
    SdkHttpFullRequest.Builder b =
        SdkSigner.pcsRequest(body)
            .encodedPath(
                "/" + String.join("/", segments.stream().map(SdkHttpUtils::urlEncode).toList()));
    for (int i = 0; i + 1 < params.size(); i += 2) {
      b.appendRawQueryParameter(params.get(i), params.get(i + 1));
    }
    b.putHeader("X-Random", headerValues);
    SdkHttpRequest request = b.build();

    SigV4Test.assertSameAsSdk(request, body, "us-west-2");

    SdkHttpRequest signed =
        SdkSigner.sign(
            request,
            body,
            SdkSigner.ACCESS_KEY,
            SdkSigner.SECRET,
            "us-west-2",
            "pcs",
            SdkSigner.NOW);
    SigV4Verifier verifier =
        new SigV4Verifier(
            Clock.fixed(SdkSigner.NOW, ZoneOffset.UTC), "pcs", id -> Optional.of(SdkSigner.SECRET));
    assertThat(
            verifier.verify(
                "POST",
                signed.encodedPath(),
                SdkSigner.rawQuery(signed),
                SdkSigner.headers(signed),
                body))
        .isEqualTo(SdkSigner.ACCESS_KEY);
  }

  @Provide
  Arbitrary<List<String>> segments() {
    // Empty, "." and ".." segments come up often enough to exercise normalisation.
    return Arbitraries.oneOf(
            Arbitraries.of("", ".", ".."),
            Arbitraries.strings().withChars("abcXYZ019-_.~ %+=&/é€").ofMaxLength(8))
        .list()
        .ofMaxSize(5);
  }

  @Provide
  Arbitrary<List<String>> params() {
    return Arbitraries.strings()
        .withChars("abAB19-_.~ %+=&/?#é")
        .ofMaxLength(6)
        .list()
        .ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<String>> headerValues() {
    return Arbitraries.strings()
        .withChars("ab \t,;=\"")
        .ofMaxLength(12)
        .list()
        .ofMinSize(1)
        .ofMaxSize(3);
  }
}
