package dev.s3proc.cli.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

class DeferredTrustTest {
  private static X509TrustManager jvmDefault() throws Exception {
    TrustManagerFactory f =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init((KeyStore) null);
    return (X509TrustManager) f.getTrustManagers()[0];
  }

  @Test
  void trustsWhatTheJvmTrusts() throws Exception {
    X509Certificate[] expected = jvmDefault().getAcceptedIssuers();
    X509TrustManager deferred = (X509TrustManager) DeferredTrust.managers()[0];
    assertThat(expected).isNotEmpty();
    assertThat(deferred.getAcceptedIssuers()).containsExactlyInAnyOrder(expected);
  }

  @Test
  void refusesWhatTheJvmRefuses() {
    X509TrustManager deferred = (X509TrustManager) DeferredTrust.managers()[0];
    assertThatThrownBy(() -> deferred.checkServerTrusted(new X509Certificate[0], "RSA"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> deferred.checkServerTrusted(null, "RSA"))
        .isInstanceOfAny(IllegalArgumentException.class, CertificateException.class);
  }
}
