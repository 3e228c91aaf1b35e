package dev.signaling.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The docs' code cannot drift from the code that is compiled and tested: every {@code <!--
 * snippet: name -->} block in README.md or {@code docs/*.md} equals the region {@code
 * README:name} … {@code README:end} of a file in some module's main sources (de-indented), and
 * every region is shown once. A few snippets have no source region and are checked by what they
 * are elsewhere: {@code usage}, {@code configuration-command} and {@code cluster-command} by
 * signaling-server's {@code DocsCommandLineTest} (the current {@code --help}; commands that parse),
 * {@code module-info} by {@link ModuleSnippetTest}, which compiles and runs it.
 */
class ReadmeSnippetsTest {

  static final Path ROOT = Path.of("..");
  private static final Set<String> WITHOUT_REGION =
      Set.of("usage", "configuration-command", "cluster-command", "module-info");
  private static final Pattern MARKER = Pattern.compile("^\\s*(?://|#) README:(\\S+)\\s*$");
  private static final Pattern SNIPPET =
      Pattern.compile("<!-- snippet: (\\S+) -->\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL);
  /** README.md and every page of docs/. */
  static List<Path> docs() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> pages = Files.list(ROOT.resolve("docs"))) {
      pages.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  /** The snippets of the docs by name. */
  static Map<String, String> readmeSnippets() throws IOException {
    Map<String, String> snippets = new LinkedHashMap<>();
    for (Path doc : docs()) {
      Matcher m = SNIPPET.matcher(Files.readString(doc, StandardCharsets.UTF_8));
      while (m.find()) {
        assertThat(snippets.put(m.group(1), m.group(2))).as("snippet %s shown once (again in %s)", m.group(1), doc)
            .isNull();
      }
    }
    return snippets;
  }

  /** The marked regions of every module's main sources by name, de-indented. */
  static Map<String, String> sourceRegions() throws IOException {
    Map<String, String> regions = new LinkedHashMap<>();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path main : modules.map(m -> m.resolve("src").resolve("main")).filter(Files::isDirectory).sorted().toList()) {
        try (Stream<Path> walk = Files.walk(main)) {
          walk.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
      }
    }
    for (Path file : files) {
      String name = null;
      List<String> lines = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        Matcher m = MARKER.matcher(line);
        if (m.matches() && m.group(1).equals("end")) {
          assertThat(name).as("README:end without a start in %s", file).isNotNull();
          assertThat(regions.put(name, dedent(lines))).as("region %s defined once", name).isNull();
          name = null;
          lines.clear();
        } else if (m.matches()) {
          assertThat(name).as("region %s nested in %s", m.group(1), file).isNull();
          name = m.group(1);
        } else if (name != null) {
          lines.add(line);
        }
      }
      assertThat(name).as("region %s in %s has no README:end", name, file).isNull();
    }
    return regions;
  }

  private static String dedent(List<String> lines) {
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      out.add(line.isBlank() ? "" : line.substring(indent));
    }
    return String.join("\n", out);
  }

  @Test
  void everyRegionIsInTheReadmeVerbatim_andEverySnippetHasItsSource() throws IOException {
    Map<String, String> regions = sourceRegions();
    Map<String, String> snippets = readmeSnippets();
    assertThat(regions).as("regions in the sources").containsKeys("events", "metrics", "tls-context", "logging");
    regions.forEach((name, code) ->
        assertThat(snippets.get(name)).as("README snippet %s (from the region in src/main)", name).isEqualTo(code));
    assertThat(snippets.keySet()).as("README snippets without a source region or a check")
        .allMatch(name -> regions.containsKey(name) || WITHOUT_REGION.contains(name));
    assertThat(snippets.keySet()).containsAll(WITHOUT_REGION);
  }
}
