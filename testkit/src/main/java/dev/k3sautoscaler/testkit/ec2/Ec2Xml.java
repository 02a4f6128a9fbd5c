package dev.k3sautoscaler.testkit.ec2;

import java.util.Map;

/** Writes EC2's XML response shapes (namespace 2016-11-15), the ones the SDK's EC2 protocol reads. */
final class Ec2Xml {
    static final String NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";
    static final String OWNER_ID = "000000000000";

    private final StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");

    static Ec2Xml response(String action, String requestId) {
        Ec2Xml xml = new Ec2Xml();
        xml.out.append('<').append(action).append("Response xmlns=\"").append(NAMESPACE).append("\">");
        xml.element("requestId", requestId);
        return xml;
    }

    static String error(Ec2Error error, String requestId) {
        Ec2Xml xml = new Ec2Xml();
        xml.open("Response").open("Errors").open("Error")
                .element("Code", error.code()).element("Message", error.message())
                .close("Error").close("Errors").element("RequestID", requestId).close("Response");
        return xml.toString();
    }

    Ec2Xml open(String name) {
        out.append('<').append(name).append('>');
        return this;
    }

    Ec2Xml close(String name) {
        out.append("</").append(name).append('>');
        return this;
    }

    Ec2Xml element(String name, Object value) {
        if (value == null) {
            return this;
        }
        return open(name).text(value.toString()).close(name);
    }

    Ec2Xml text(String value) {
        for (char c : value.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return this;
    }

    Ec2Xml instanceState(String element, String state) {
        return open(element).element("code", FakeInstance.stateCode(state)).element("name", state).close(element);
    }

    Ec2Xml tagSet(Map<String, String> tags) {
        open("tagSet");
        tags.forEach((key, value) -> open("item").element("key", key).element("value", value).close("item"));
        return close("tagSet");
    }

    Ec2Xml instance(FakeInstance instance) {
        open("item")
                .element("instanceId", instance.instanceId())
                .element("imageId", instance.imageId())
                .instanceState("instanceState", instance.state())
                .element("privateDnsName", "ip-10-0-0-1." + instance.availabilityZone() + ".compute.internal")
                .element("amiLaunchIndex", 0)
                .element("instanceType", instance.instanceType())
                .element("launchTime", instance.launchTime())
                .open("placement").element("availabilityZone", instance.availabilityZone())
                .element("tenancy", "default").close("placement")
                .element("subnetId", instance.subnetId())
                .element("vpcId", "vpc-0fake")
                .element("architecture", "x86_64");
        if ("spot".equals(instance.marketType())) {
            element("instanceLifecycle", "spot");
        }
        if (instance.clientToken() != null) {
            element("clientToken", instance.clientToken());
        }
        return tagSet(instance.tags()).close("item");
    }

    Ec2Xml end(String action) {
        return close(action + "Response");
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
