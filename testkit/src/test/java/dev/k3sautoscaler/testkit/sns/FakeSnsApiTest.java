package dev.k3sautoscaler.testkit.sns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fake's contract with a publisher, over real HTTP (its real client is Alertmanager: FastPathAlertIT). */
class FakeSnsApiTest {
    private static final String SIGNED = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/eu-west-1/sns/aws4_request, "
            + "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0123456789abcdef".repeat(4);
    private static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:demo-unschedulable-pods";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void signedPublish_isKept_andAnsweredWithAMessageId() throws Exception {
        try (FakeSnsApi sns = FakeSnsApi.start()) {
            HttpResponse<String> response = post(sns, SIGNED, "Action=Publish&Version=2010-03-31&TopicArn="
                    + form(TOPIC) + "&Subject=" + form("k3s-autoscaler fast path") + "&Message=" + form("3 unschedulable pods"));

            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.body().matches("(?s)<PublishResponse .*<MessageId>[0-9a-f-]{36}</MessageId>.*"), response.body());
            FakeSnsApi.Publish publish = sns.published().getFirst();
            assertEquals(List.of(TOPIC, "k3s-autoscaler fast path", "3 unschedulable pods", "AKIDEXAMPLE", "eu-west-1"),
                    List.of(publish.topicArn(), publish.subject(), publish.message(), publish.accessKeyId(), publish.region()));
        }
    }

    @Test
    void unsignedPublish_isRefusedAsSnsRefusesIt_andNotKept() throws Exception {
        try (FakeSnsApi sns = FakeSnsApi.start()) {
            HttpResponse<String> response = post(sns, null, "Action=Publish&TopicArn=" + form(TOPIC) + "&Message=x");

            assertEquals(403, response.statusCode());
            assertTrue(response.body().contains("<Code>MissingAuthenticationToken</Code>"), response.body());
            assertEquals(List.of(), sns.published());
            assertEquals(1, sns.refused().size());
        }
    }

    @Test
    void otherActions_areInvalid() throws Exception {
        try (FakeSnsApi sns = FakeSnsApi.start()) {
            HttpResponse<String> response = post(sns, SIGNED, "Action=Subscribe&TopicArn=" + form(TOPIC));

            assertEquals(400, response.statusCode());
            assertTrue(response.body().contains("<Code>InvalidAction</Code>"), response.body());
        }
    }

    private HttpResponse<String> post(FakeSnsApi sns, String authorization, String form) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(sns.endpoint().resolve("/"))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
