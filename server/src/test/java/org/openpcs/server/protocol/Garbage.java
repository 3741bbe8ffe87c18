package org.openpcs.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random garbage derived from a valid request: values of wrong types in random members,
 * unknown members, deep nesting, huge strings, odd numbers, unicode and bytes that are not UTF-8.
 * The same seed always gives the same body, so a failure names a reproducible case.
 */
final class Garbage {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String[] ODD_STRINGS = {
    "",
    " ",
    "\u0000",
    "\u0000\u0001\u001f",
    "pcs_",
    "pcs_0000000000",
    "a\nb",
    "\r\n\r\n",
    "\"",
    "\\",
    "' OR 1=1 --",
    "${jndi:ldap://x}",
    "%s%s%n",
    "../../../../etc/passwd",
    "\u202e\u200b\ufeff",
    "日本語のクラスター",
    "🚀🔥💥",
    "\ud83d\ude00".repeat(50),
    "arn:aws:pcs:us-east-1:123456789012:cluster/pcs_x",
    "null",
    "true",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "\u00e9\u0301",
    "ǅ"
  };

  private final Random random;

  Garbage(long seed) {
    this.random = new Random(seed);
  }

  /** One garbage body for an operation whose valid request is {@code valid}. */
  byte[] body(ObjectNode valid) {
    int kind = random.nextInt(100);
    if (kind < 55) {
      ObjectNode r = valid.deepCopy();
      int edits = 1 + random.nextInt(3);
      for (int i = 0; i < edits; i++) {
        edit(r);
      }
      return RawPcs.bytes(r);
    }
    if (kind < 63) {
      return deepNesting(valid);
    }
    if (kind < 70) {
      return hugeString(valid);
    }
    if (kind < 80) {
      return rawBytes(valid);
    }
    if (kind < 88) {
      return RawPcs.bytes(JSON.arrayNode().add(value(3)));
    }
    if (kind < 94) {
      return oddNumbers(valid);
    }
    return truncated(valid);
  }

  /** Replaces a random member (at any depth) or adds an unknown one. */
  private void edit(ObjectNode root) {
    List<Slot> slots = new ArrayList<>();
    collect(root, slots);
    if (slots.isEmpty() || random.nextInt(6) == 0) {
      List<ObjectNode> objects = new ArrayList<>();
      objects(root, objects);
      ObjectNode o = objects.get(random.nextInt(objects.size()));
      o.set(string(20), value(3));
      return;
    }
    Slot s = slots.get(random.nextInt(slots.size()));
    JsonNode v = random.nextInt(10) == 0 ? null : value(3);
    if (s.parent instanceof ObjectNode o) {
      if (v == null) {
        o.remove(s.field);
      } else {
        o.set(s.field, v);
      }
    } else {
      ((ArrayNode) s.parent).set(s.index, v == null ? JSON.nullNode() : v);
    }
  }

  private record Slot(JsonNode parent, String field, int index) {}

  private static void collect(JsonNode n, List<Slot> out) {
    if (n.isObject()) {
      n.fieldNames()
          .forEachRemaining(
              f -> {
                out.add(new Slot(n, f, -1));
                collect(n.get(f), out);
              });
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        out.add(new Slot(n, null, i));
        collect(n.get(i), out);
      }
    }
  }

  private static void objects(JsonNode n, List<ObjectNode> out) {
    if (n instanceof ObjectNode o) {
      out.add(o);
    }
    n.elements().forEachRemaining(c -> objects(c, out));
  }

  /** A random JSON value of any type. */
  JsonNode value(int depth) {
    int k = random.nextInt(depth > 0 ? 12 : 9);
    return switch (k) {
      case 0 -> JSON.nullNode();
      case 1 -> JSON.booleanNode(random.nextBoolean());
      case 2 -> JSON.numberNode(random.nextLong());
      case 3 -> JSON.numberNode(random.nextInt(2000) - 1000);
      case 4 -> JSON.numberNode(new BigInteger(200, random).negate());
      case 5 -> JSON.numberNode(new BigDecimal(random.nextGaussian() * 1e6));
      case 6 -> JSON.textNode(ODD_STRINGS[random.nextInt(ODD_STRINGS.length)]);
      case 7, 8 -> JSON.textNode(string(random.nextInt(300)));
      case 9, 10 -> {
        ArrayNode a = JSON.arrayNode();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
          a.add(value(depth - 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = JSON.objectNode();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
          o.set(
              random.nextBoolean() ? string(10) : ODD_STRINGS[random.nextInt(ODD_STRINGS.length)],
              value(depth - 1));
        }
        yield o;
      }
    };
  }

  /** Random text from all of Unicode's planes (valid code points only, so it encodes as UTF-8). */
  String string(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      int cp =
          switch (random.nextInt(4)) {
            case 0 -> 0x20 + random.nextInt(0x5f);
            case 1 -> random.nextInt(0x20);
            case 2 -> 0x80 + random.nextInt(0xd800 - 0x80);
            default -> 0xe000 + random.nextInt(0x10ffff - 0xe000);
          };
      sb.appendCodePoint(cp);
    }
    return sb.toString();
  }

  /** Arrays or objects nested far deeper than any shape, inside a random member. */
  private byte[] deepNesting(ObjectNode valid) {
    int[] depths = {50, 999, 1001, 5000, 100_000};
    int d = depths[random.nextInt(depths.length)];
    boolean arrays = random.nextBoolean();
    StringBuilder sb = new StringBuilder(member(valid)).append(':');
    for (int i = 0; i < d; i++) {
      sb.append(arrays ? "[" : "{\"a\":");
    }
    sb.append("1");
    for (int i = 0; i < d; i++) {
      sb.append(arrays ? "]" : "}");
    }
    return ("{" + sb + "}").getBytes(StandardCharsets.UTF_8);
  }

  /** A string of up to ~900 KB (below the 1 MiB body limit) in a random member. */
  private byte[] hugeString(ObjectNode valid) {
    ObjectNode r = valid.deepCopy();
    int n = 10_000 + random.nextInt(300_000);
    String s = random.nextBoolean() ? "x".repeat(n) : string(n / 3);
    r.put(randomField(r), s);
    return RawPcs.bytes(r);
  }

  /** Bytes that are not UTF-8 (lone continuation bytes, overlongs, lone surrogates, NUL). */
  private byte[] rawBytes(ObjectNode valid) {
    byte[][] bad = {
      {(byte) 0xff, (byte) 0xfe},
      {(byte) 0xc0, (byte) 0xaf},
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0x80},
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {0},
      {(byte) 0xe2, (byte) 0x82}
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("{" + member(valid) + ":\"abc").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(bad[random.nextInt(bad.length)]);
    out.writeBytes("def\"}".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** Number literals at and beyond the limits of every Java number type. */
  private byte[] oddNumbers(ObjectNode valid) {
    String[] numbers = {
      "1e400",
      "-1e400",
      "1e-400",
      "-0",
      "-0.0",
      "9223372036854775808",
      "-9223372036854775809",
      "2147483648",
      "-2147483649",
      "1" + "0".repeat(5000),
      "0.000000000000000000000001",
      "1E+2147483647",
      "NaN",
      "Infinity",
      "-Infinity",
      "0x10",
      "01",
      "1.",
      ".5",
      "+1"
    };
    return ("{" + member(valid) + ":" + numbers[random.nextInt(numbers.length)] + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A valid body cut at a random point. */
  private byte[] truncated(ObjectNode valid) {
    byte[] b = RawPcs.bytes(valid);
    return java.util.Arrays.copyOf(b, random.nextInt(b.length));
  }

  private String member(ObjectNode valid) {
    return "\"" + randomField(valid) + "\"";
  }

  private String randomField(ObjectNode valid) {
    List<String> names = new ArrayList<>();
    valid.fieldNames().forEachRemaining(names::add);
    return names.isEmpty() ? "x" : names.get(random.nextInt(names.size()));
  }
}
