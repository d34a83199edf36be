package dev.s3proc.cli.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every AWS operation made in the test JVM, by "Service.Operation". The SDK loads it for
 * every client from the test classpath
 * (software/amazon/awssdk/global/handlers/execution.interceptors), so production code needs no hook
 * for it.
 */
public final class RequestCounter implements ExecutionInterceptor {
  private static final Map<String, AtomicInteger> COUNTS = new ConcurrentHashMap<>();

  public static void reset() {
    COUNTS.clear();
  }

  public static int count(String serviceDotOperation) {
    AtomicInteger n = COUNTS.get(serviceDotOperation);
    return n == null ? 0 : n.get();
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String op =
        attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)
            + "."
            + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    COUNTS.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
  }
}
