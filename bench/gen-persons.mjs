// gen-persons.mjs - writes a registry CSV for the import benchmark: N
// persons in households of 1 to 6 under the grids listed in GRIDS_FILE
// (one code a line), Chinese headers, valid and unique ID numbers, UTF-8.
//   node bench/gen-persons.mjs N GRIDS_FILE > persons.csv
import { readFileSync } from 'node:fs';

const n = Number(process.argv[2]);
const grids = readFileSync(process.argv[3], 'utf8').split('\n').filter(Boolean);
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const C = '10X98765432';
const sur = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹';
const giv = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文红玉兰';
let seed = 12345;
const rnd = (k) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % k; };

const out = [];
const flush = () => { process.stdout.write(out.join('')); out.length = 0; };
out.push('姓名,性别,身份证号,手机,网格,楼栋,单元,房号\n');
let made = 0, hh = 0, serial = 0;
while (made < n) {
  const size = Math.min(1 + rnd(6), n - made);
  const grid = grids[hh % grids.length];
  const b = 1 + Math.floor(hh / grids.length / 84), u = 1 + (hh % 3), r = 101 + (hh % 28);
  for (let k = 0; k < size; k++) {
    // unique numbers: the serial walks birth dates and sequence numbers
    const s = serial++;
    const day = s % 10000, seq = Math.floor(s / 10000);
    const d = new Date(Date.UTC(1940, 0, 1) + day * 86400000 * 2.5);
    const ymd = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
    const d17 = `420106${ymd}${String(seq % 1000).padStart(3, '0')}`;
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += Number(d17[i]) * W[i];
    const id = d17 + C[sum % 11];
    const sex = (seq % 1000) % 2 ? '男' : '女';
    const name = sur[rnd(sur.length)] + giv[rnd(giv.length)] + (rnd(2) ? giv[rnd(giv.length)] : '');
    const phone = `13${String(rnd(1000000000)).padStart(9, '0')}`;
    out.push(`${name},${sex},${id},${phone},${grid},${b}栋,${u}单元,${r}\n`);
  }
  made += size;
  hh++;
  if (out.length > 10000) flush();
}
flush();
