package dev.signaling.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The command lines the docs show are the ones this program takes: the {@code usage} snippet is
 * the current {@code --help}, and the {@code configuration-command} and {@code cluster-command}
 * snippets parse to what the docs say. (signaling-examples' ReadmeSnippetsTest checks the other
 * snippets against their source regions.)
 */
class DocsCommandLineTest {

  private static final Path ROOT = Path.of("..");
  private static final Pattern SNIPPET =
      Pattern.compile("<!-- snippet: (\\S+) -->\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL);
  private static final String JAR = "signaling-server.jar";

  private static String snippet(String name) throws IOException {
    List<Path> docs;
    try (Stream<Path> pages = Files.list(ROOT.resolve("docs"))) {
      docs = Stream.concat(Stream.of(ROOT.resolve("README.md")), pages.filter(p -> p.toString().endsWith(".md")))
          .toList();
    }
    for (Path doc : docs) {
      Matcher m = SNIPPET.matcher(Files.readString(doc, StandardCharsets.UTF_8));
      while (m.find()) {
        if (m.group(1).equals(name)) {
          return m.group(2);
        }
      }
    }
    throw new AssertionError("no snippet " + name + " in README.md or docs/");
  }

  /** The variables and arguments of one shell command that runs the jar. */
  private static Options parse(String command) {
    String line = command.replace("\\\n", " ").replaceAll("\\s+#.*", "").strip();
    assertThat(line).as("a command that runs the jar").contains("java -jar ").contains(JAR);
    Map<String, String> env = new LinkedHashMap<>();
    Matcher assignment = Pattern.compile("\\G\\s*([A-Z_]+)=(\\S+)").matcher(line);
    while (assignment.find()) {
      env.put(assignment.group(1), assignment.group(2));
    }
    String args = line.substring(line.indexOf(JAR) + JAR.length()).strip();
    return Options.parse(args.isEmpty() ? new String[0] : args.split("\\s+"), env);
  }

  @Test
  void usageSnippet_isTheCurrentHelp() throws IOException {
    assertThat(snippet("usage") + "\n").isEqualTo(Options.USAGE.replace(System.lineSeparator(), "\n"));
  }

  @Test
  void configurationCommand_parses_andMeansWhatTheDocsSay() throws IOException {
    Options options = parse(snippet("configuration-command"));

    assertThat(options.port()).isEqualTo(3443);
    assertThat(options.tls()).isEqualTo(new Options.Keystore(Path.of("server.p12"), "changeit", "PKCS12"));
    assertThat(options.allowedOrigins()).containsExactly("https://app.example.com");
    assertThat(options.config().rateLimitPerSecond()).isEqualTo(200);
    assertThat(options.auth()).isEqualTo(Options.Auth.ED25519);
    assertThat(options.metricsPort()).isEqualTo(9464);
  }

  @Test
  void clusterCommand_everyLineJoinsTheSameCluster() throws IOException {
    List<String> lines = Arrays.stream(snippet("cluster-command").split("\n"))
        .filter(l -> l.contains("java -jar")).toList();
    assertThat(lines).as("at least two servers").hasSizeGreaterThanOrEqualTo(2);
    for (String line : lines) {
      Options options = parse(line);
      assertThat(options.cluster()).as(line)
          .isEqualTo(new Options.Cluster("redis://10.0.0.5:6379", "signaling", Duration.ofSeconds(8)));
      assertThat(options.metricsPort()).as(line).isEqualTo(9464);
    }
  }
}
