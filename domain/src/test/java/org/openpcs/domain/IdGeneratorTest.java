package org.openpcs.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class IdGeneratorTest {
  private static final String FORMAT = "pcs_[a-z0-9]{10}";

  @Property(tries = 200)
  void idsHaveThePcsFormatForAnySeed(@ForAll long seed) {
    IdGenerator ids = new IdGenerator(new SplittableRandom(seed));
    for (int i = 0; i < 20; i++) {
      assertThat(ids.newResourceId()).matches(FORMAT);
    }
  }

  @Test
  void theSameSeedGivesTheSameIds() {
    IdGenerator first = new IdGenerator(new SplittableRandom(42));
    IdGenerator second = new IdGenerator(new SplittableRandom(42));
    List<String> a = IntStream.range(0, 50).mapToObj(i -> first.newResourceId()).toList();
    List<String> b = IntStream.range(0, 50).mapToObj(i -> second.newResourceId()).toList();

    assertThat(a).isEqualTo(b);
    assertThat(new IdGenerator(new SplittableRandom(43)).newResourceId()).isNotEqualTo(a.get(0));
  }

  @Test
  void everyCharacterOfTheAlphabetIsUsedAndNothingElse() {
    IdGenerator ids = new IdGenerator(new SplittableRandom(1));
    Set<Character> seen = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      ids.newResourceId().substring(4).chars().forEach(c -> seen.add((char) c));
    }
    Set<Character> alphabet = new HashSet<>();
    "abcdefghijklmnopqrstuvwxyz0123456789".chars().forEach(c -> alphabet.add((char) c));

    assertThat(seen).isEqualTo(alphabet);
  }

  @Test
  void secureIdsHaveTheFormatAndDoNotRepeat() {
    IdGenerator ids = IdGenerator.secure();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      String id = ids.newResourceId();
      assertThat(id).matches(FORMAT);
      assertThat(seen.add(id)).as("duplicate id %s", id).isTrue();
    }
  }

  @Test
  void onlyPcsPrefixedIdentifiersLookLikeIds() {
    assertThat(IdGenerator.looksLikeId("pcs_abcdefghij")).isTrue();
    assertThat(IdGenerator.looksLikeId("pcs_")).isTrue();
    assertThat(IdGenerator.looksLikeId("my-cluster")).isFalse();
    assertThat(IdGenerator.looksLikeId("PCS_abcdefghij")).isFalse();
    assertThat(IdGenerator.looksLikeId("xpcs_abcdefghij")).isFalse();
  }
}
