package org.openpcs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code --output table}, a port of awscli's {@code TableFormatter} and {@code MultiTable}: a
 * titled box per object (scalar keys as column headers, sorted) and, one level deeper and framed by
 * an extra {@code |}, a box per nested list or object. All boxes share one width so the borders
 * line up; when that width exceeds the terminal's, one-row boxes turn into key | value rows, as
 * awscli does.
 */
final class TableFormatter {
  private final List<Section> sections = new ArrayList<>();
  private Section current;

  private TableFormatter() {}

  static String format(String title, JsonNode response, int terminalWidth) {
    TableFormatter t = new TableFormatter();
    if (!t.build(title, response, 0)) {
      return "";
    }
    return t.render(terminalWidth);
  }

  private boolean build(String title, JsonNode node, int indent) {
    if (node == null || (node.isContainerNode() && node.isEmpty())) {
      return false;
    }
    if (title != null) {
      newSection(title, indent);
    }
    if (node.isArray()) {
      if (node.get(0).isObject()) {
        subTableFromList(node, indent, title);
      } else {
        for (JsonNode item : node) {
          if (OutputFormatter.isScalar(item)) {
            addRow(List.of(OutputFormatter.scalar(item)));
          } else if (item.isArray() && allScalar(item)) {
            List<String> row = new ArrayList<>();
            item.forEach(e -> row.add(OutputFormatter.scalar(e)));
            addRow(row);
          } else {
            build(null, item, indent);
          }
        }
      }
    }
    if (node.isObject()) {
      subTableFromDict(node, indent);
    }
    return true;
  }

  private void subTableFromDict(JsonNode node, int indent) {
    List<String> headers = new ArrayList<>();
    List<String> more = new ArrayList<>();
    for (String key : new TreeSet<>(fieldNames(node))) {
      (OutputFormatter.isScalar(node.get(key)) ? headers : more).add(key);
    }
    if (headers.size() == 1) {
      // One scalar: a key | value row reads better than a one-column table.
      addRow(List.of(headers.get(0), OutputFormatter.scalar(node.get(headers.get(0)))));
    } else if (!headers.isEmpty()) {
      section().addHeader(headers);
      addRow(headers.stream().map(h -> OutputFormatter.scalar(node.get(h))).toList());
    }
    for (String key : more) {
      build(key, node.get(key), indent + 1);
    }
  }

  private void subTableFromList(JsonNode list, int indent, String title) {
    TreeSet<String> headerSet = new TreeSet<>();
    TreeSet<String> moreSet = new TreeSet<>();
    for (JsonNode element : list) {
      element
          .fields()
          .forEachRemaining(
              f -> (OutputFormatter.isScalar(f.getValue()) ? headerSet : moreSet).add(f.getKey()));
    }
    List<String> headers = List.copyOf(headerSet);
    section().addHeader(headers);
    boolean first = true;
    for (JsonNode element : list) {
      // Each element with nested values gets its own titled box, so the nesting stays readable.
      if (!first && !moreSet.isEmpty()) {
        newSection(title, indent);
        section().addHeader(headers);
      }
      first = false;
      addRow(
          headers.stream()
              .map(h -> element.has(h) ? OutputFormatter.scalar(element.get(h)) : "")
              .toList());
      for (String key : moreSet) {
        if (element.has(key)) {
          build(key, element.get(key), indent + 1);
        }
      }
    }
  }

  private static boolean allScalar(JsonNode array) {
    for (JsonNode e : array) {
      if (!OutputFormatter.isScalar(e)) {
        return false;
      }
    }
    return true;
  }

  private void newSection(String title, int indent) {
    current = new Section();
    current.title = title;
    current.indent = indent;
    sections.add(current);
  }

  private Section section() {
    if (current == null) {
      newSection("", 0);
    }
    return current;
  }

  private void addRow(List<String> row) {
    Section s = section();
    if (s.numCols != null && s.numCols != row.size()) {
      // awscli fails here; a fresh untitled box keeps the output usable instead.
      newSection("", s.indent);
    }
    section().addRow(row);
  }

  private String render(int terminalWidth) {
    int maxWidth = maxWidth();
    if (maxWidth > terminalWidth) {
      toVertical();
      maxWidth = maxWidth();
    }
    StringBuilder out = new StringBuilder();
    out.append("-".repeat(maxWidth)).append('\n');
    for (Section s : sections) {
      renderSection(s, maxWidth, out);
    }
    return out.toString();
  }

  private int maxWidth() {
    int max = 0;
    for (Section s : sections) {
      max = Math.max(max, s.totalWidth(4, s.indent));
    }
    return max;
  }

  /** awscli's {@code convert_to_vertical_table}: a one-row box becomes header | value rows. */
  private void toVertical() {
    for (int i = 0; i < sections.size(); i++) {
      Section s = sections.get(i);
      if (s.rows.size() == 1 && !s.headers.isEmpty()) {
        Section v = new Section();
        v.title = s.title;
        v.indent = s.indent;
        for (int c = 0; c < s.headers.size() && c < s.rows.get(0).size(); c++) {
          v.addRow(List.of(s.headers.get(c), s.rows.get(0).get(c)));
        }
        sections.set(i, v);
      }
    }
  }

  private static void renderSection(Section s, int maxWidth, StringBuilder out) {
    int width = maxWidth - 2 * s.indent;
    String edge = "|".repeat(s.indent);
    List<String> lines = new ArrayList<>();
    if (!s.title.isEmpty()) {
      lines.add(center(s.title, width, "|", "|"));
      if (s.headers.isEmpty() && s.rows.isEmpty()) {
        lines.add("+" + "-".repeat(Math.max(0, width - 2)) + "+");
      }
    }
    if (!s.headers.isEmpty()) {
      int[] widths = s.columnWidths(4, width);
      lines.add(lineBreak(widths));
      StringBuilder h = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        h.append(center(s.headers.get(i), widths[i], i == 0 ? "|" : "", "|"));
      }
      lines.add(h.toString());
    }
    if (!s.rows.isEmpty()) {
      int[] widths = s.columnWidths(4, width);
      if (widths.length > 0) {
        lines.add(lineBreak(widths));
        for (List<String> row : s.rows) {
          StringBuilder r = new StringBuilder();
          for (int i = 0; i < widths.length; i++) {
            r.append(alignLeft(row.get(i), widths[i], i == 0 ? "|" : "", "|"));
          }
          lines.add(r.toString());
        }
        lines.add(lineBreak(widths));
      }
    }
    for (String line : lines) {
      out.append(edge).append(line).append(edge).append('\n');
    }
  }

  private static String lineBreak(int[] widths) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      sb.append(i == 0 ? "+" + dashes(widths[i] - 2) + "+" : dashes(widths[i] - 1) + "+");
    }
    return sb.toString();
  }

  private static String dashes(int n) {
    return "-".repeat(Math.max(0, n));
  }

  static String center(String text, int length, String left, String right) {
    int textLength = text.codePointCount(0, text.length());
    int charStart = length / 2 - textLength / 2 - 1;
    int soFar = left.length() + charStart + textLength;
    int rightSpaces = length - right.length() - soFar;
    return left
        + " ".repeat(Math.max(0, charStart))
        + text
        + " ".repeat(Math.max(0, rightSpaces))
        + right;
  }

  static String alignLeft(String text, int length, String left, String right) {
    int textLength = text.codePointCount(0, text.length());
    int padding = length - (textLength + 2 + left.length() + right.length()) >= 0 ? 2 : 0;
    int soFar = left.length() + padding + textLength;
    return left
        + " ".repeat(padding)
        + text
        + " ".repeat(Math.max(0, length - soFar - right.length()))
        + right;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** One titled box: optional column headers and rows of cell text. */
  private static final class Section {
    String title = "";
    int indent;
    List<String> headers = List.of();
    final List<List<String>> rows = new ArrayList<>();
    Integer numCols;
    int[] maxWidths = new int[0];

    void addHeader(List<String> h) {
      updateMaxWidths(h);
      if (numCols == null) {
        numCols = h.size();
      }
      headers = h;
    }

    void addRow(List<String> row) {
      if (numCols == null) {
        numCols = row.size();
      }
      rows.add(row);
      updateMaxWidths(row);
    }

    private void updateMaxWidths(List<String> row) {
      if (maxWidths.length == 0) {
        maxWidths = row.stream().mapToInt(s -> s.codePointCount(0, s.length())).toArray();
        return;
      }
      for (int i = 0; i < row.size() && i < maxWidths.length; i++) {
        maxWidths[i] = Math.max(maxWidths[i], row.get(i).codePointCount(0, row.get(i).length()));
      }
    }

    /** Column widths scaled to add up to exactly {@code maxWidth}, as awscli computes them. */
    int[] columnWidths(int padding, int maxWidth) {
      int[] unscaled = new int[maxWidths.length];
      int sum = 0;
      for (int i = 0; i < unscaled.length; i++) {
        unscaled[i] = maxWidths[i] + padding;
        sum += unscaled[i];
      }
      if (unscaled.length == 0) {
        return unscaled;
      }
      double scale = maxWidth / (double) sum;
      int[] scaled = new int[unscaled.length];
      int total = 0;
      for (int i = 0; i < unscaled.length; i++) {
        scaled[i] = (int) Math.rint(scale * unscaled[i]); // Python's round(): half to even
        total += scaled[i];
      }
      int offBy = total - maxWidth;
      while (offBy != 0) {
        if (offBy > 0) {
          for (int i = 0; i < scaled.length && offBy != 0; i++) {
            scaled[i]--;
            offBy--;
          }
        } else {
          for (int i = scaled.length - 1; i >= 0 && offBy != 0; i--) {
            scaled[i]++;
            offBy++;
          }
        }
      }
      return scaled;
    }

    int totalWidth(int padding, int outerPadding) {
      int total = 2 + 2 * outerPadding;
      for (int w : maxWidths) {
        total += w + padding;
      }
      int titleWidth = title.codePointCount(0, title.length()) + 2 + 2 * outerPadding;
      return Math.max(titleWidth, total);
    }
  }
}
