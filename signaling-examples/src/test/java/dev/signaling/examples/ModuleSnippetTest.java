package dev.signaling.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import dev.signaling.core.SignalingHub;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.io.File;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.java_websocket.WebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/**
 * The README's {@code module-info} snippet, compiled with javac against the built modules and run
 * on the module path in a JVM of its own: a modular application reads the API with that one line,
 * and the core's internal package is closed to it, at compile time and at run time.
 */
class ModuleSnippetTest {

  private static final String MAIN = """
      package com.example.chat;

      import dev.signaling.transport.javawebsocket.SignalingServer;
      import java.io.InputStream;
      import java.io.OutputStream;
      import java.lang.invoke.MethodHandles;
      import java.net.Socket;
      import java.nio.charset.StandardCharsets;

      public final class Main {
        public static void main(String[] args) throws Exception {
          try (SignalingServer server = SignalingServer.builder().host("127.0.0.1").port(0).start()) {
            System.out.println("transport module: " + SignalingServer.class.getModule().getName());
            System.out.println("core module: " + server.hub().getClass().getModule().getName());
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
              socket.setSoTimeout(10_000);
              OutputStream out = socket.getOutputStream();
              out.write("GET /health HTTP/1.1\\r\\n\\r\\n".getBytes(StandardCharsets.US_ASCII));
              out.flush();
              InputStream in = socket.getInputStream();
              String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
              System.out.println("health: " + answer.substring(answer.indexOf("\\r\\n\\r\\n") + 4));
            }
            Class<?> internal = Class.forName("dev.signaling.core.internal.Relay");
            try {
              MethodHandles.lookup().accessClass(internal);
              System.out.println("internal: accessible");
            } catch (IllegalAccessException e) {
              System.out.println("internal: refused");
            }
          }
        }
      }
      """;

  private static final String PEEK = """
      package com.example.chat;

      final class Peek {
        dev.signaling.core.internal.Relay relay;
      }
      """;

  /** Where a class was loaded from: a jar, or a classes directory. */
  private static String location(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  private static String modulePath() throws Exception {
    List<String> entries = new ArrayList<>();
    for (Class<?> type : List.of(SignalingServer.class, SignalingHub.class, Gson.class, Logger.class,
        WebSocket.class, Class.forName("org.slf4j.simple.SimpleLogger"))) {
      entries.add(location(type));
    }
    return String.join(File.pathSeparator, entries);
  }

  private static String readmeModuleInfo() throws IOException {
    String snippet = ReadmeSnippetsTest.readmeSnippets().get("module-info");
    assertThat(snippet).as("the README's module-info snippet").isNotNull();
    return snippet;
  }

  private static void write(Path root, String relative, String source) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, source, StandardCharsets.UTF_8);
  }

  private static List<String> sources(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> p.toString().endsWith(".java")).map(Path::toString).collect(Collectors.toList());
    }
  }

  /** Compiles every source under {@code src} as a module; javac's status, its messages in {@code diagnostics}. */
  private static int javac(Path src, Path out, ByteArrayOutputStream diagnostics) throws Exception {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of("--release", "17", "--module-path", modulePath(), "-d", out.toString()));
    args.addAll(sources(src));
    return javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
  }

  @Test
  void readmeModuleInfo_compilesAndRunsOnTheModulePath(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("src");
    Path out = dir.resolve("out");
    write(src, "module-info.java", readmeModuleInfo());
    write(src, "com/example/chat/Main.java", MAIN);
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    assertThat(javac(src, out, diagnostics)).as("javac: %s", diagnostics).isZero();

    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(), "--module-path", out + File.pathSeparator + modulePath(),
        "-m", "com.example.chat/com.example.chat.Main").redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the JVM ends").isTrue();

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("transport module: dev.signaling.transport.javawebsocket",
        "core module: dev.signaling.core", "health: {\"ok\":true}", "internal: refused");
  }

  @Test
  void theCoresInternalPackage_doesNotCompileInAModule(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("src");
    write(src, "module-info.java", readmeModuleInfo());
    write(src, "com/example/chat/Peek.java", PEEK);
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    assertThat(javac(src, dir.resolve("out"), diagnostics)).isNotZero();
    assertThat(diagnostics.toString(StandardCharsets.UTF_8)).contains("package dev.signaling.core.internal is not visible");
  }
}
