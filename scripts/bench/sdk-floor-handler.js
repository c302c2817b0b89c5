// The AWS SDK alone, as a handler: load the DynamoDB client and lib-dynamodb, send one GetItem.
// The bench times it through cold-start-child.js like every bundled handler, so both are measured
// the same way; no DynamoDB handler can start faster than this floor with the SDK.
const { DynamoDBClient, GetItemCommand } = require("@aws-sdk/client-dynamodb");
require("@aws-sdk/lib-dynamodb");

const client = new DynamoDBClient({});

exports.handler = async () => {
  await client.send(new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { owner: { S: "o" }, id: { S: "i" } } }));
  return { statusCode: 200 };
};
