package org.openpcs.server.logs;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * POSTs each batch as JSON lines ({@code application/x-ndjson}) to a log store's URL. A failed POST
 * (connection error, timeout, status other than 2xx) is retried with exponential back-off; a batch
 * that still fails is given up (and counted as dropped) so that one bad batch or a dead store
 * cannot hold the queue forever. The URL may carry credentials of the store; it is never logged.
 */
final class HttpDestination implements LogDestination {
  static final int ATTEMPTS = 4;
  private final URI url;
  private final HttpClient client;
  private final Duration requestTimeout;
  private final Duration firstBackoff;

  HttpDestination(URI url) {
    this(url, Duration.ofSeconds(5), Duration.ofMillis(250));
  }

  HttpDestination(URI url, Duration requestTimeout, Duration firstBackoff) {
    this.url = url;
    this.requestTimeout = requestTimeout;
    this.firstBackoff = firstBackoff;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public String name() {
    return "http";
  }

  @Override
  public void write(List<LogRecord> batch) throws IOException, InterruptedException {
    StringBuilder body = new StringBuilder();
    batch.forEach(r -> body.append(r.tagged()).append('\n'));
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(requestTimeout)
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    Duration backoff = firstBackoff;
    String last = "";
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status / 100 == 2) {
          return;
        }
        last = "HTTP " + status;
      } catch (IOException e) {
        last = e.getClass().getSimpleName();
      }
      if (attempt < ATTEMPTS) {
        Thread.sleep(backoff);
        backoff = backoff.multipliedBy(2);
      }
    }
    // The URL is left out on purpose: it may hold the store's credentials.
    throw new IOException("the log store refused a batch of " + batch.size() + " records: " + last);
  }

  @Override
  public void close() {
    client.shutdownNow();
  }
}
