package io.huifang.pbx.emulator;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * The fixture of the emulator's unit tests that speak AMI to it: an emulator on a free port at 20 × speed with no
 * FastAGI server, and a client logged in to it.
 */
final class LoggedInEmulator implements AutoCloseable {
  final PbxEmulator emu;
  final TestAmiClient ami;
  private final Vertx vertx;

  private LoggedInEmulator(Vertx vertx, PbxEmulator emu, TestAmiClient ami) {
    this.vertx = vertx;
    this.emu = emu;
    this.ami = ami;
  }

  static LoggedInEmulator start() throws Exception {
    Vertx vertx = Vertx.vertx();
    PbxEmulator emu = PbxEmulator.start(vertx, EmulatorOptions.defaults().withAmiPort(0).withSpeed(20)
        .withAgiUrl(null)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    TestAmiClient ami = new TestAmiClient(emu.amiPort());
    ami.login();
    return new LoggedInEmulator(vertx, emu, ami);
  }

  @Override
  public void close() throws Exception {
    ami.close();
    emu.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
