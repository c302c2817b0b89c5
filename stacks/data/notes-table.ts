import { Construct } from "constructs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";

export interface NotesTableProps {
  readonly tableName: string;
  readonly region: string;
  readonly accountId: string;
  readonly deletionProtection: boolean;
  /** Terraform refuses a plan that destroys the table. */
  readonly preventDestroy: boolean;
}

/** Notes keyed by owner (`sub`) and note id, so a query can only ever see one owner's notes. */
export class NotesTable extends Construct {
  readonly table: DynamodbTable;
  /** The configured name, as a plain string: the API stack's functions and policies use it without a cross-stack reference. */
  readonly tableName: string;
  /** The table's ARN, built from the configuration (it is known before apply). */
  readonly tableArn: string;

  constructor(scope: Construct, id: string, props: NotesTableProps) {
    super(scope, id);
    this.tableName = props.tableName;
    this.tableArn = `arn:aws:dynamodb:${props.region}:${props.accountId}:table/${props.tableName}`;
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
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
  }
}
