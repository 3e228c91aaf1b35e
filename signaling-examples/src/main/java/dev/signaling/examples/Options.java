package dev.signaling.examples;

import java.util.Map;
import java.util.Objects;

/**
 * The command line of {@link ServerMain}, parsed and checked.
 *
 * <p>A flag wins over its environment variable, which wins over the default. {@code --help}
 * anywhere wins over everything else, so that a user who asks for help gets it even after a typo.
 *
 * @param host the interface to bind, {@code 0.0.0.0} by default
 * @param port the TCP port, {@code 3001} by default; {@code 0} picks a free one
 * @param help whether only the usage text was asked for
 * @param webPort the HTTP port of the browser demo, or {@link #NO_WEB} (the default) for none
 */
record Options(String host, int port, boolean help, int webPort) {

  /** {@link #webPort()} when the browser demo is not served. */
  static final int NO_WEB = -1;

  static final String DEFAULT_HOST = "0.0.0.0";
  static final int DEFAULT_PORT = 3001;

  static final String USAGE =
      String.join(
          System.lineSeparator(),
          "Usage: ServerMain [--port N] [--host H] [--web-port N] [--help]",
          "  --port N   TCP port to listen on, 0 for any free port (env PORT, default 3001)",
          "  --host H   interface to bind (env HOST, default 0.0.0.0 = all interfaces)",
          "  --web-port N  also serve the browser demo (WebRTC chat) on this HTTP port",
          "  -h, --help print this text and exit",
          "");

  Options {
    Objects.requireNonNull(host, "host");
  }

  /** Options without the browser demo. */
  Options(String host, int port, boolean help) {
    this(host, port, help, NO_WEB);
  }

  /**
   * Parses the arguments against the environment.
   *
   * @param args the command-line arguments, {@code --flag value} or {@code --flag=value}
   * @param env the environment; only {@code PORT} and {@code HOST} are read
   * @throws UsageException with a one-line message naming the first bad value
   */
  static Options parse(String[] args, Map<String, String> env) {
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        return new Options(DEFAULT_HOST, DEFAULT_PORT, true);
      }
    }

    String host = null;
    Integer port = null;
    int webPort = NO_WEB;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "--port", "--host", "--web-port" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new UsageException(name + " needs a value");
            }
            value = args[++i];
          }
          if (name.equals("--port")) {
            port = port(value, name);
          } else if (name.equals("--web-port")) {
            webPort = port(value, name);
          } else {
            host = host(value, name);
          }
        }
        default -> throw new UsageException("unknown argument: " + arg);
      }
    }

    // The environment is read only where no flag decided, so that a stale PORT exported for
    // another tool cannot break an explicit --port. An empty variable counts as unset, as
    // "PORT= mvn ..." and CI templates produce those.
    if (host == null) {
      String envHost = env.get("HOST");
      host = envHost == null || envHost.isBlank() ? DEFAULT_HOST : host(envHost.strip(), "HOST");
    }
    if (port == null) {
      String envPort = env.get("PORT");
      port = envPort == null || envPort.isBlank() ? DEFAULT_PORT : port(envPort.strip(), "PORT");
    }
    return new Options(host, port, false, webPort);
  }

  private static int port(String value, String source) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65_535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // Reported below with the same message as an out-of-range number.
    }
    throw new UsageException(source + " must be a port number from 0 to 65535: '" + value + "'");
  }

  private static String host(String value, String source) {
    if (value.isBlank()) {
      throw new UsageException(source + " must not be empty");
    }
    return value;
  }

  /** A bad command line; the message is one line meant for the user. */
  static final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
