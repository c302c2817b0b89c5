import { Construct } from "constructs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";

export interface NotesTableProps {
  readonly tableName: string;
  readonly deletionProtection: boolean;
}

/** Notes keyed by owner (`sub`) and note id, so a query can only ever see one owner's notes. */
export class NotesTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: NotesTableProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, "table", {
      name: props.tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: "owner",
      rangeKey: "id",
      attribute: [
        { name: "owner", type: "S" },
        { name: "id", type: "S" },
      ],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: props.deletionProtection,
    });
  }
}
