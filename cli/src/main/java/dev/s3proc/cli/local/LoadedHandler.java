package dev.s3proc.cli.local;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;
import java.util.UUID;

/**
 * A handler loaded the way Lambda loads it: its jar in a class loader of its own (nothing of the
 * CLI's classpath is visible to it), its class instantiated once, {@code handleRequest} called with
 * the event's JSON and a context object.
 */
final class LoadedHandler implements AutoCloseable {
  private final URLClassLoader loader;
  private final Object handler;
  private final Method handleRequest;
  private final Class<?> contextInterface;
  private final String functionName;
  private final int memoryMb;

  LoadedHandler(
      HandlerJars.HandlerJar jar, Map<String, String> env, String functionName, int memoryMb)
      throws Exception {
    this.loader =
        new URLClassLoader(
            new URL[] {jar.jar().toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    this.functionName = functionName;
    this.memoryMb = memoryMb;
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(loader);
    try {
      Class<?> cls = loader.loadClass(jar.handlerClass());
      this.handler = cls.getConstructor(Map.class).newInstance(env);
      this.contextInterface = loader.loadClass("com.amazonaws.services.lambda.runtime.Context");
      this.handleRequest =
          cls.getMethod("handleRequest", InputStream.class, OutputStream.class, contextInterface);
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  /**
   * Calls the handler with a context whose remaining time runs out at {@code deadlineMillis}, the
   * function's timeout; any Throwable of the handler's is rethrown to the caller as it is.
   */
  void invoke(InputStream event, OutputStream response, long deadlineMillis) throws Throwable {
    String requestId = UUID.randomUUID().toString();
    long deadline = deadlineMillis;
    Object context =
        Proxy.newProxyInstance(
            loader,
            new Class<?>[] {contextInterface},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getAwsRequestId" -> requestId;
                  case "getFunctionName", "getLogGroupName", "getLogStreamName" -> functionName;
                  case "getFunctionVersion" -> "$LATEST";
                  case "getInvokedFunctionArn" ->
                      "arn:aws:lambda:local:000000000000:function:" + functionName;
                  case "getMemoryLimitInMB" -> memoryMb;
                  case "getRemainingTimeInMillis" ->
                      (int) Math.max(0, deadline - System.currentTimeMillis());
                  case "toString" -> "local context " + requestId;
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> null;
                });
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(loader);
    try {
      handleRequest.invoke(handler, event, response, context);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause();
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  @Override
  public void close() throws Exception {
    loader.close();
  }
}
