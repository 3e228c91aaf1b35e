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
 * The README's code cannot drift from the code that is compiled and tested: every {@code <!--
 * snippet: name -->} block in README.md equals the region {@code README:name} … {@code
 * README:end} of a file in this module's main sources (de-indented), and every region is shown.
 * A few snippets have no source region and are checked by what they are: {@code usage} is the
 * current {@code --help}, {@code configuration-command} parses, {@code module-info} is compiled
 * and run by {@link ModuleSnippetTest}.
 */
class ReadmeSnippetsTest {

  static final Path README = Path.of("..", "README.md");
  private static final Path SOURCES = Path.of("src", "main");
  private static final Pattern MARKER = Pattern.compile("^\\s*(?://|#) README:(\\S+)\\s*$");
  private static final Pattern SNIPPET =
      Pattern.compile("<!-- snippet: (\\S+) -->\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL);
  private static final Set<String> WITHOUT_REGION = Set.of("usage", "configuration-command", "module-info");

  /** The snippets of the README by name. */
  static Map<String, String> readmeSnippets() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    Map<String, String> snippets = new LinkedHashMap<>();
    Matcher m = SNIPPET.matcher(readme);
    while (m.find()) {
      assertThat(snippets.put(m.group(1), m.group(2))).as("snippet %s shown once", m.group(1)).isNull();
    }
    return snippets;
  }

  /** The marked regions of this module's main sources by name, de-indented. */
  static Map<String, String> sourceRegions() throws IOException {
    Map<String, String> regions = new LinkedHashMap<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
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
    assertThat(regions).as("regions in the sources").isNotEmpty();
    regions.forEach((name, code) ->
        assertThat(snippets.get(name)).as("README snippet %s (from the region in src/main)", name).isEqualTo(code));
    assertThat(snippets.keySet()).as("README snippets without a source region or a check")
        .allMatch(name -> regions.containsKey(name) || WITHOUT_REGION.contains(name));
    assertThat(snippets.keySet()).containsAll(WITHOUT_REGION);
  }

  @Test
  void usageSnippet_isTheCurrentHelp() throws IOException {
    assertThat(readmeSnippets().get("usage") + "\n").isEqualTo(Options.USAGE.replace(System.lineSeparator(), "\n"));
  }

  @Test
  void configurationCommand_parses_andMeansWhatTheReadmeSays() throws IOException {
    String command = readmeSnippets().get("configuration-command").replace("\\\n", " ");
    Map<String, String> env = new LinkedHashMap<>();
    Matcher assignment = Pattern.compile("\\G\\s*([A-Z_]+)=(\\S+)").matcher(command);
    while (assignment.find()) {
      env.put(assignment.group(1), assignment.group(2));
    }
    Matcher args = Pattern.compile("-Dexec\\.args=\"([^\"]*)\"").matcher(command);
    assertThat(args.find()).as("-Dexec.args in %s", command).isTrue();
    assertThat(command).contains("mvn -q -pl signaling-examples -am compile -Pserver");

    Options options = Options.parse(args.group(1).split(" "), env);

    assertThat(options.port()).isEqualTo(3443);
    assertThat(options.tls()).isEqualTo(new Options.Keystore(Path.of("server.p12"), "changeit", "PKCS12"));
    assertThat(options.allowedOrigins()).containsExactly("https://app.example.com");
    assertThat(options.config().rateLimitPerSecond()).isEqualTo(200);
    assertThat(options.auth()).isEqualTo(Options.Auth.ED25519);
    assertThat(options.metricsPort()).isEqualTo(9464);
  }
}
