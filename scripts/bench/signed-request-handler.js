// The least a DynamoDB handler can do, as a handler without any project code: load node:http and
// node:https (as functions/shared/dynamodb.ts does), sign one GetItem with aws4 and send it (over
// HTTP: the bench's DynamoDB speaks plain HTTP). The bench reports its cold start beside the
// handlers' so that what is the project's own code shows.
const http = require("node:http");
require("node:https");
const aws4 = require("aws4");

const agent = new http.Agent({ keepAlive: true });

exports.handler = () =>
  new Promise((resolve, reject) => {
    const endpoint = new URL(process.env.AWS_ENDPOINT_URL_DYNAMODB);
    const body = JSON.stringify({ TableName: process.env.TABLE_NAME, Key: { owner: { S: "o" }, id: { S: "i" } } });
    const signed = aws4.sign(
      { host: endpoint.host, path: "/", method: "POST", service: "dynamodb", region: process.env.AWS_REGION, headers: { "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.GetItem" }, body },
      { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
    );
    const request = http.request({ hostname: endpoint.hostname, port: endpoint.port, path: "/", method: "POST", headers: signed.headers, agent }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => {
        JSON.parse(Buffer.concat(chunks).toString("utf8"));
        resolve({ statusCode: response.statusCode });
      });
    });
    request.on("error", reject);
    request.end(body);
  });
