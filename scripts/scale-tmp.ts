import { scaleRow } from "./scale-bench";
const groups = Number(process.argv[2]);
console.log(JSON.stringify(scaleRow(groups, false, (l) => console.error(l))));
