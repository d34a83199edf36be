package dev.s3proc.cli;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns SDK exceptions into one plain sentence a user can act on. */
public final class AwsErrors {
  private AwsErrors() {}

  public static String describe(SdkException e) {
    if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
      var d = s.awsErrorDetails();
      String code = d.errorCode() == null ? "error" : d.errorCode();
      String msg = d.errorMessage() == null ? s.getMessage() : d.errorMessage();
      String hint =
          switch (code) {
            case "AccessDenied",
                "AccessDeniedException",
                "UnauthorizedOperation",
                "AuthorizationError" ->
                ": your credentials lack the permission; check the IAM policy of the profile in use";
            case "ExpiredToken",
                "ExpiredTokenException",
                "InvalidClientTokenId",
                "UnrecognizedClientException",
                "SignatureDoesNotMatch" ->
                ": your credentials are invalid or expired; refresh them (e.g. aws sso login)";
            case "ThrottlingException", "Throttling", "RequestLimitExceeded", "SlowDown" ->
                ": AWS is throttling requests; wait a moment and run again";
            default -> "";
          };
      return d.serviceName()
          + " "
          + code
          + ": "
          + msg
          + hint
          + " (request id "
          + s.requestId()
          + ")";
    }
    Throwable root = rootCause(e);
    if (root instanceof ConnectException
        || root instanceof UnknownHostException
        || root instanceof SocketTimeoutException) {
      return "cannot reach the AWS endpoint ("
          + root.getMessage()
          + "): check --endpoint-url / AWS_ENDPOINT_URL, or start the local stack with `s3proc local up`";
    }
    if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("credentials")) {
      return "no AWS credentials found: set AWS_PROFILE or --profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; for the local stack use --local";
    }
    return String.valueOf(e.getMessage());
  }

  private static Throwable rootCause(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r;
  }
}
