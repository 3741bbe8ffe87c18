package org.openpcs.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the model's HTML documentation into short plain text for help screens. */
final class Docs {
  private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
  private static final Pattern FIRST_PARAGRAPH = Pattern.compile("(?s)^\\s*<p>(.*?)</p>");
  // A sentence ends at . ! or ? followed by a space and a capital: "e.g. foo" does not end one.
  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[A-Z(])");

  private Docs() {}

  static String plain(String html) {
    String s = TAG.matcher(html).replaceAll(" ");
    s =
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&nbsp;", " ")
            .replace("&amp;", "&");
    return s.replaceAll("\\s+", " ").strip();
  }

  /** The first paragraph, cut after {@code maxSentences} sentences. */
  static String summary(String html, int maxSentences) {
    Matcher p = FIRST_PARAGRAPH.matcher(html);
    String text = plain(p.find() ? p.group(1) : html);
    Matcher end = SENTENCE_END.matcher(text);
    int sentences = 0;
    while (end.find()) {
      if (++sentences == maxSentences) {
        return text.substring(0, end.start()).strip();
      }
    }
    return text;
  }

  /** picocli formats descriptions with {@code String.format}, so a literal % must be doubled. */
  static String escapeForPicocli(String s) {
    return s.replace("%", "%%");
  }
}
