package dev.s3proc.handlers.runtime;

import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The floor under the handlers' cold start, for bench/handlers.sh: a new JVM that builds one S3
 * client the way the handlers do and gets one object, with no s3proc code at all. usage:
 * ColdStartFloor BUCKET KEY (AWS settings from the environment).
 */
public final class ColdStartFloor {
  private ColdStartFloor() {}

  public static void main(String[] args) {
    S3Client s3 =
        S3Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.of(System.getenv("AWS_REGION")))
            .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
            .forcePathStyle(true)
            .build();
    byte[] object = s3.getObjectAsBytes(r -> r.bucket(args[0]).key(args[1])).asByteArray();
    System.out.println(object.length + " bytes");
  }
}
