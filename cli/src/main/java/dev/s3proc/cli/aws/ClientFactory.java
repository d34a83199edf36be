package dev.s3proc.cli.aws;

import dev.s3proc.cli.GlobalOptions;
import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.local.LocalState;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Builds every AWS client s3proc uses, once, from the global options: region, profile, endpoint
 * (explicit, {@code --local}, or the SDK's own AWS_ENDPOINT_URL[_SERVICE]) and the one
 * url-connection HTTP client. No command or service builds a client itself.
 */
public final class ClientFactory implements AutoCloseable {
  /** Credentials for the local emulator, which accepts any: never a real secret. */
  private static final AwsBasicCredentials EMULATOR_CREDENTIALS =
      AwsBasicCredentials.create("s3proc-local", "s3proc-local");

  private final GlobalOptions options;
  private final LocalState localState;
  private final List<ExecutionInterceptor> interceptors = new ArrayList<>();
  private final List<SdkClient> built = java.util.Collections.synchronizedList(new ArrayList<>());
  private final Object httpLock = new Object();
  private SdkHttpClient http;
  private String defaultRegion;
  private Region region;
  private URI endpoint;
  private boolean endpointResolved;
  private boolean useLocalStack;

  private final Lazy<S3Client> s3 = new Lazy<>(this::buildS3);
  private final Lazy<SqsClient> sqs =
      new Lazy<>(() -> configure(SqsClient.builder(), List.of()).build());
  private final Lazy<SnsClient> sns =
      new Lazy<>(() -> configure(SnsClient.builder(), List.of()).build());
  private final Lazy<LambdaClient> lambda =
      new Lazy<>(() -> configure(LambdaClient.builder(), List.of()).build());
  private final Lazy<DynamoDbClient> dynamoDb =
      new Lazy<>(() -> configure(DynamoDbClient.builder(), List.of()).build());
  private final Lazy<StsClient> sts =
      new Lazy<>(() -> configure(StsClient.builder(), List.of()).build());
  private final Lazy<CloudWatchClient> cloudWatch = new Lazy<>(this::buildCloudWatch);
  private final Lazy<software.amazon.awssdk.services.sfn.SfnClient> sfn =
      new Lazy<>(
          () ->
              configure(software.amazon.awssdk.services.sfn.SfnClient.builder(), List.of())
                  .build());
  private final Lazy<software.amazon.awssdk.services.eventbridge.EventBridgeClient> eventBridge =
      new Lazy<>(
          () ->
              configure(
                      software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder(),
                      List.of())
                  .build());

  public ClientFactory(GlobalOptions options, LocalState localState) {
    this.options = options;
    this.localState = localState;
  }

  /**
   * Builds the HTTP client on a thread of its own, while picocli parses the command line: its TLS
   * set-up is ~80 ms of a cold start, and nearly every command talks to AWS.
   */
  public void prepare() {
    Thread t = new Thread(this::http, "s3proc-http");
    t.setDaemon(true);
    t.start();
  }

  /** Adds an interceptor to every client built after this call (request logging, counting). */
  public ClientFactory addInterceptor(ExecutionInterceptor interceptor) {
    interceptors.add(interceptor);
    return this;
  }

  /** Points every client built from now on at the running local stack, as --local does. */
  public synchronized void useLocalStack() {
    if (!built.isEmpty()) {
      throw new IllegalStateException("clients were already built for another endpoint");
    }
    useLocalStack = true;
    endpointResolved = false;
  }

  private boolean local() {
    return options.local() || useLocalStack;
  }

  /**
   * The region to use when --region is not given, e.g. the pipeline file's. A --region that
   * disagrees with the pipeline is an error, not a silent choice.
   */
  public void defaultRegion(String pipelineRegion) {
    if (options.region() != null
        && pipelineRegion != null
        && !options.region().equals(pipelineRegion)) {
      throw S3procException.usage(
          "--region "
              + options.region()
              + " disagrees with the pipeline's region "
              + pipelineRegion
              + ": drop --region or fix 'region:' in the pipeline file");
    }
    if (region != null && pipelineRegion != null && !region.id().equals(pipelineRegion)) {
      throw new IllegalStateException("clients already built for " + region);
    }
    this.defaultRegion = pipelineRegion;
  }

  public synchronized Region region() {
    if (region == null) {
      if (options.region() != null) {
        region = Region.of(options.region());
      } else if (defaultRegion != null) {
        region = Region.of(defaultRegion);
      } else if (local() || isLocalStackEndpoint()) {
        region = Region.US_EAST_1;
      } else {
        try {
          region =
              DefaultAwsRegionProviderChain.builder()
                  .profileName(options.profile())
                  .build()
                  .getRegion();
        } catch (RuntimeException e) {
          throw S3procException.usage(
              "no AWS region set: pass --region, set AWS_REGION, or set a region in your profile");
        }
      }
    }
    return region;
  }

  /** The partition of the region, for building ARNs. */
  public String partition() {
    String id = region().id();
    return id.startsWith("cn-") ? "aws-cn" : id.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  }

  /** The endpoint every client is pointed at, when one is forced (--endpoint-url or --local). */
  public synchronized Optional<URI> endpointOverride() {
    if (!endpointResolved) {
      if (local()) {
        endpoint =
            localState
                .read()
                .map(s -> URI.create(s.endpoint()))
                .orElseThrow(
                    () ->
                        S3procException.runtime(
                            "no local stack is running: start one with `s3proc local up`"));
      } else {
        endpoint = options.endpointUrl();
      }
      endpointResolved = true;
    }
    return Optional.ofNullable(endpoint);
  }

  /**
   * The endpoint a service's client talks to: the override, else the SDK's own
   * AWS_ENDPOINT_URL_&lt;SERVICE&gt; / AWS_ENDPOINT_URL (or their aws.endpointUrl* system
   * properties).
   */
  public Optional<URI> effectiveEndpoint(String serviceEnvName, String servicePropertyName) {
    Optional<URI> override = endpointOverride();
    if (override.isPresent()) {
      return override;
    }
    for (String value :
        new String[] {
          System.getProperty("aws.endpointUrl" + servicePropertyName),
          System.getenv("AWS_ENDPOINT_URL_" + serviceEnvName),
          System.getProperty("aws.endpointUrl"),
          System.getenv("AWS_ENDPOINT_URL")
        }) {
      if (value != null && !value.isBlank()) {
        return Optional.of(URI.create(value.trim()));
      }
    }
    return Optional.empty();
  }

  /** Whether a URI points at this machine (an emulator), never at AWS. */
  public static boolean isLoopback(URI uri) {
    if (uri == null || uri.getHost() == null) {
      return false;
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (host.equals("localhost")) {
      return true;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private boolean isLocalStackEndpoint() {
    return options.endpointUrl() != null && isLoopback(options.endpointUrl());
  }

  public S3Client s3() {
    return s3.get();
  }

  public SqsClient sqs() {
    return sqs.get();
  }

  public SnsClient sns() {
    return sns.get();
  }

  public LambdaClient lambda() {
    return lambda.get();
  }

  public DynamoDbClient dynamoDb() {
    return dynamoDb.get();
  }

  public StsClient sts() {
    return sts.get();
  }

  /** Step Functions: the workflows' state machines and, locally, their executions. */
  public software.amazon.awssdk.services.sfn.SfnClient sfn() {
    return sfn.get();
  }

  /** EventBridge: the rules that start workflows from the buckets' events. */
  public software.amazon.awssdk.services.eventbridge.EventBridgeClient eventBridge() {
    return eventBridge.get();
  }

  /**
   * CloudWatch. Against an emulator on this machine the SDK's CBOR protocol is translated to the
   * JSON protocol moto speaks; against AWS the stock client is used unchanged.
   */
  public CloudWatchClient cloudWatch() {
    return cloudWatch.get();
  }

  private S3Client buildS3() {
    boolean pathStyle = effectiveEndpoint("S3", "S3").map(ClientFactory::isLoopback).orElse(false);
    return configure(S3Client.builder(), List.of()).forcePathStyle(pathStyle).build();
  }

  private CloudWatchClient buildCloudWatch() {
    boolean emulator =
        effectiveEndpoint("CLOUDWATCH", "CloudWatch").map(ClientFactory::isLoopback).orElse(false);
    List<ExecutionInterceptor> extra =
        emulator ? List.of(new CborToJsonProtocolAdapter()) : List.of();
    return configure(CloudWatchClient.builder(), extra).build();
  }

  /**
   * A client built on first use, each under its own lock, so that services reading several services
   * in parallel build their clients in parallel too.
   */
  private final class Lazy<C extends SdkClient> {
    private final java.util.function.Supplier<C> build;
    private volatile C client;

    Lazy(java.util.function.Supplier<C> build) {
      this.build = build;
    }

    C get() {
      C c = client;
      if (c == null) {
        synchronized (this) {
          c = client;
          if (c == null) {
            c = build.get();
            built.add(c);
            client = c;
          }
        }
      }
      return c;
    }
  }

  private <B extends AwsClientBuilder<B, ?>> B configure(
      B builder, List<ExecutionInterceptor> first) {
    builder.region(region()).credentialsProvider(credentials());
    endpointOverride().ifPresent(builder::endpointOverride);
    ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder();
    first.forEach(override::addExecutionInterceptor);
    interceptors.forEach(override::addExecutionInterceptor);
    builder.overrideConfiguration(override.build());
    if (builder
        instanceof software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<?, ?> sync) {
      sync.httpClient(http());
    }
    return builder;
  }

  private AwsCredentialsProvider credentials() {
    if (local()) {
      return StaticCredentialsProvider.create(EMULATOR_CREDENTIALS);
    }
    if (options.profile() != null) {
      return ProfileCredentialsProvider.create(options.profile());
    }
    return DefaultCredentialsProvider.builder().build();
  }

  /** Under its own lock: the clients' builders must not wait on it while it is being built. */
  private SdkHttpClient http() {
    synchronized (httpLock) {
      if (http == null) {
        http =
            UrlConnectionHttpClient.builder()
                .tlsTrustManagersProvider(DeferredTrust::managers)
                .connectionTimeout(java.time.Duration.ofSeconds(5))
                .socketTimeout(java.time.Duration.ofSeconds(60))
                .build();
      }
      return http;
    }
  }

  @Override
  public synchronized void close() {
    built.forEach(SdkClient::close);
    built.clear();
    synchronized (httpLock) {
      if (http != null) {
        http.close();
        http = null;
      }
    }
  }
}
