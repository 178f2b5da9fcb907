package io.huifang.report;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Locale;

/**
 * One dealer's voice-of-the-customer PDF (goal ≤ 1 s). In one JVM, on the test fixture (voc-fixture.json, a CSI
 * month with deductions, five level-3 indicators, two weak items, both loyalty pies, three verbatims, six months of
 * trend), rows measured in this order:
 * <ul>
 * <li>cold: the first render in the JVM, font preparation (reading and rewriting the two Noto Sans SC weights) and
 * class loading included: what the first request after a start waits;</li>
 * <li>text only: a warm render of the same report without its SVG charts: what the charts cost;</li>
 * <li>zh / en: warm renders of the whole report.</li>
 * </ul>
 * {@code java -cp target/huifang-bench.jar io.huifang.report.VocPdfBenchmark [runs]}
 */
public final class VocPdfBenchmark {
  /** The machine is shared: the render thread's CPU time is shown beside the wall time. */
  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private VocPdfBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    JsonObject voc = VocPdfTest.fixture();
    long c0 = THREADS.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    int fontBytes = ReportFont.REGULAR.length + ReportFont.BOLD.length;
    System.out.printf(Locale.ROOT, "fonts prepared: %.0f ms, CPU %.0f ms (%d bytes)%n", (System.nanoTime() - t0) / 1e6,
        (THREADS.getCurrentThreadCpuTime() - c0) / 1e6, fontBytes);
    byte[] first = VocPdf.render(voc, false);
    double cold = (System.nanoTime() - t0) / 1e6;
    System.out.printf(Locale.ROOT, "cold (first render, fonts preparation included): %.0f ms, CPU %.0f ms, %d bytes%n",
        cold, (THREADS.getCurrentThreadCpuTime() - c0) / 1e6, first.length);
    for (int i = 0; i < 3; i++) {
      VocPdf.render(voc, i % 2 == 1);
    }
    String textOnly = VocPdf.html(voc, false).replaceAll("(?s)<svg.*?</svg>", "");
    System.out.println("| what | runs | median | min | max | median CPU (render thread) | size |");
    System.out.println("|---|---|---|---|---|---|---|");
    row("text only (no SVG), zh", runs, () -> VocPdf.pdf(textOnly));
    row("whole report, zh", runs, () -> VocPdf.render(voc, false));
    row("whole report, en", runs, () -> VocPdf.render(voc, true));
  }

  private static void row(String what, int runs, java.util.function.Supplier<byte[]> render) {
    double[] ms = new double[runs];
    double[] cpu = new double[runs];
    int size = 0;
    for (int i = 0; i < runs; i++) {
      long c = THREADS.getCurrentThreadCpuTime();
      long t = System.nanoTime();
      size = render.get().length;
      ms[i] = (System.nanoTime() - t) / 1e6;
      cpu[i] = (THREADS.getCurrentThreadCpuTime() - c) / 1e6;
    }
    Arrays.sort(ms);
    Arrays.sort(cpu);
    System.out.printf(Locale.ROOT, "| %s | %d | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %d bytes |%n", what, runs,
        ms[runs / 2], ms[0], ms[runs - 1], cpu[runs / 2], size);
  }
}
