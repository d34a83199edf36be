package dev.s3proc.cli.dlq;

/** Paces work to a rate: permits accrue continuously up to one second's worth. */
final class TokenBucket {
  private final double perSecond;
  private double tokens;
  private long last = System.nanoTime();

  /**
   * @param perSecond permits per second; zero or less means unlimited
   */
  TokenBucket(double perSecond) {
    this.perSecond = perSecond;
    this.tokens = Math.max(perSecond, 0);
  }

  void acquire(int permits) throws InterruptedException {
    if (perSecond <= 0) {
      return;
    }
    while (true) {
      long waitNanos;
      synchronized (this) {
        long now = System.nanoTime();
        tokens = Math.min(Math.max(perSecond, permits), tokens + (now - last) / 1e9 * perSecond);
        last = now;
        if (tokens >= permits) {
          tokens -= permits;
          return;
        }
        waitNanos = (long) ((permits - tokens) / perSecond * 1e9);
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.sleep(Math.max(waitNanos, 1_000_000));
    }
  }
}
