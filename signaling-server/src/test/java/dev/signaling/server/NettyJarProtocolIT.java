package dev.signaling.server;

/** The jar on Netty: {@code --transport netty}. */
class NettyJarProtocolIT extends JarProtocolChecks {

  @Override
  String transport() {
    return "netty";
  }
}
