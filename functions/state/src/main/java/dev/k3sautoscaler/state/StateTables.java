package dev.k3sautoscaler.state;

import dev.k3sautoscaler.state.StateTableSchema.EventLog;
import dev.k3sautoscaler.state.StateTableSchema.Idempotency;
import dev.k3sautoscaler.state.StateTableSchema.State;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Creates the three tables on DynamoDB Local (tests, the simulator). In AWS the CDK stack defines
 * them from the same {@link StateTableSchema} names; nothing in a Lambda creates tables.
 */
public final class StateTables {
    private StateTables() {
    }

    public static void createIfMissing(DynamoDbClient dynamo, String stateTable, String eventLogTable,
                                       String idempotencyTable) {
        create(dynamo, stateTable, State.CLUSTER_ID, null);
        create(dynamo, eventLogTable, EventLog.CLUSTER_ID, EventLog.EVENT_KEY);
        create(dynamo, idempotencyTable, Idempotency.ID, null);
    }

    private static void create(DynamoDbClient dynamo, String table, String partitionKey, String sortKey) {
        try {
            dynamo.createTable(request -> {
                request.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST);
                if (sortKey == null) {
                    request.attributeDefinitions(stringAttribute(partitionKey))
                            .keySchema(key(partitionKey, KeyType.HASH));
                } else {
                    request.attributeDefinitions(stringAttribute(partitionKey), stringAttribute(sortKey))
                            .keySchema(key(partitionKey, KeyType.HASH), key(sortKey, KeyType.RANGE));
                }
            });
        } catch (ResourceInUseException alreadyThere) {
            // created by an earlier test or simulation run on the same server
        }
    }

    private static AttributeDefinition stringAttribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
