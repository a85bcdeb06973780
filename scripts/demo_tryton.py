#!/usr/bin/python3
"""The demo's look into Tryton, over its JSON-RPC API (scripts/demo.sh).

  demo_tryton.py stock SKU=QTY...          the warehouse counts its shelves: one confirmed
                                           inventory of warehouse WH's storage
  demo_tryton.py report SHOP.json LEVELS.ndjson ERPHUB.yaml
                                           prints, per entity, what each system holds and whether
                                           they agree; exits 1 when they do not

SHOP.json is the shop's side of the day: {"orders": [{"number", "customer", "customer_id", "total"}],
"payments": [{"order", "amount"}]}. LEVELS.ndjson is what the shop's inventory endpoint received
(erphub-receiver's record); ERPHUB.yaml gives the shop's inventory item ids (value_maps).
Tryton's address and login come from TRYTON_URL, TRYTON_DB, TRYTON_USER, TRYTON_PASSWORD.
"""
import base64
import decimal
import json
import os
import re
import sys
import urllib.request


class Tryton:
    def __init__(self):
        self.url = os.environ['TRYTON_URL'].rstrip('/') + '/' + os.environ['TRYTON_DB'] + '/'
        self.auth = None
        self.ids = 0
        user = os.environ['TRYTON_USER']
        user_id, session = self.call('common.db.login',
                                     [user, {'password': os.environ['TRYTON_PASSWORD']}, 'en'])
        token = '%s:%s:%s' % (user, user_id, session)
        self.auth = 'Session ' + base64.b64encode(token.encode()).decode()
        self.context = self.call('model.res.user.get_preferences', [True, {}])

    def call(self, method, params):
        self.ids += 1
        body = json.dumps({'method': method, 'params': params, 'id': self.ids}).encode()
        request = urllib.request.Request(self.url, body, {'Content-Type': 'application/json'})
        if self.auth:
            request.add_header('Authorization', self.auth)
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read(), object_hook=decode)
        if answer.get('error'):
            raise SystemExit('Tryton %s: %s' % (method, answer['error']))
        return answer['result']

    def model(self, model, method, *args, context=None):
        ctx = dict(self.context, **(context or {}))
        return self.call('model.%s.%s' % (model, method), list(args) + [ctx])

    def search_read(self, model, domain, fields, context=None):
        return self.model(model, 'search_read', domain, 0, None, None, fields, context=context)


def decode(value):
    """Tryton's tagged values: Decimal exactly, the rest as text."""
    kind = value.get('__class__')
    if kind == 'Decimal':
        return decimal.Decimal(value['decimal'])
    if kind in ('date', 'datetime'):
        return '%04d-%02d-%02d' % (value['year'], value['month'], value['day'])
    return value


def warehouse(tryton):
    found = tryton.search_read('stock.location', [['code', '=', 'WH']],
                               ['id', 'storage_location'])
    return found[0]


def stock(tryton, counts):
    wanted = dict(count.split('=') for count in counts)
    products = tryton.search_read('product.product', [['code', 'in', list(wanted)]],
                                  ['id', 'code'])
    lines = [{'product': p['id'], 'quantity': float(wanted[p['code']])} for p in products]
    missing = set(wanted) - {p['code'] for p in products}
    if missing:
        raise SystemExit('no such products in Tryton: ' + ', '.join(sorted(missing)))
    ids = tryton.model('stock.inventory', 'create',
                       [{'location': warehouse(tryton)['storage_location'],
                         'lines': [['create', lines]]}])
    tryton.model('stock.inventory', 'confirm', ids)
    print('   Tryton: inventory of %d products confirmed in warehouse WH' % len(lines))


def shop_inventory_items(config_path):
    """value_maps.shop_inventory_items of the example's config: inventory item id -> SKU."""
    items, inside = {}, False
    with open(config_path) as config:
        for line in config:
            if re.match(r'^  shop_inventory_items:\s*$', line):
                inside = True
                continue
            entry = re.match(r'^    ([^\s:]+):\s*(\d+)\s*$', line)
            if inside and entry:
                items[int(entry.group(2))] = entry.group(1)
            elif inside:
                break
    return items


def report(tryton, shop_path, levels_path, config_path):
    with open(shop_path) as shop_file:
        shop = json.load(shop_file)
    ok = True

    def verdict(agree):
        nonlocal ok
        ok = ok and agree
        return 'agree' if agree else 'DO NOT AGREE'

    # Orders in the shop vs sales in Tryton, total for total.
    numbers = [o['number'] for o in shop['orders']]
    sales = tryton.search_read('sale.sale', [['reference', 'in', numbers]],
                               ['reference', 'number', 'state', 'total_amount', 'party', 'invoices',
                                'shipments'])
    by_reference = {s['reference']: s for s in sales}
    print('   %-7s %-26s %10s | %-10s %-11s %10s' %
          ('order', 'shop customer', 'total', 'sale', 'state', 'total'))
    matching = 0
    for order in shop['orders']:
        sale = by_reference.get(order['number'])
        same = sale is not None and sale['total_amount'] == decimal.Decimal(order['total'])
        matching += same
        print('   #%-6s %-26s %10s | %-10s %-11s %10s %s' % (
            order['number'], order['customer'][:26], order['total'],
            sale['number'] if sale else '-', sale['state'] if sale else '-',
            sale['total_amount'] if sale else '-', '' if same else '<- differs'))
    print('   Orders: %d in the shop, %d sales in Tryton, %d with the same total: %s' %
          (len(numbers), len(sales), matching,
           verdict(len(sales) == len(numbers) == matching)))
    parties = {s['party'] for s in sales}
    customers = {o['customer_id'] for o in shop['orders']}
    print('   Customers: %d in the shop\'s orders, %d Tryton parties on their sales: %s' %
          (len(customers), len(parties), verdict(len(customers) == len(parties))))
    print()

    # Invoices vs payments: every paid order's invoice is paid, the others are still due.
    invoice_ids = [i for s in sales for i in s['invoices']]
    invoices = {i['id']: i for i in tryton.model(
        'account.invoice', 'read', invoice_ids,
        ['number', 'state', 'total_amount', 'amount_to_pay'])}
    paid = {p['order']: decimal.Decimal(p['amount']) for p in shop['payments']}
    print('   %-7s %-16s %10s %-8s %10s | %10s' %
          ('order', 'invoice', 'total', 'state', 'still due', 'Stripe paid'))
    settled = 0
    for order in shop['orders']:
        sale = by_reference.get(order['number'])
        for invoice_id in (sale['invoices'] if sale else []):
            invoice = invoices[invoice_id]
            amount = paid.get(order['number'])
            if amount is not None:
                right = invoice['state'] == 'paid' and amount == invoice['total_amount']
            else:
                right = invoice['state'] in ('draft', 'validated', 'posted')
            settled += right
            # A draft invoice asks for nothing yet; its total will be due once posted.
            due = invoice['total_amount'] if invoice['state'] == 'draft' \
                else invoice['amount_to_pay'].quantize(decimal.Decimal('0.01'))
            print('   #%-6s %-16s %10s %-8s %10s | %10s %s' % (
                order['number'], invoice['number'] or '(draft)', invoice['total_amount'],
                invoice['state'], due,
                amount if amount is not None else '-', '' if right else '<- differs'))
    print('   Invoices: %d in Tryton for %d orders; %d Stripe payments, %d invoices paid: %s' %
          (len(invoices), len(numbers), len(paid),
           sum(i['state'] == 'paid' for i in invoices.values()),
           verdict(len(invoices) == len(numbers) and settled == len(invoices) and
                   sum(i['state'] == 'paid' for i in invoices.values()) == len(paid))))
    shipments = sum(len(s['shipments']) for s in sales)
    print('   Shipments: %d waiting in the warehouse for %d sales: %s' %
          (shipments, len(sales), verdict(shipments == len(sales))))
    print()

    # Stock: the last level the shop received per item vs what Tryton can still sell.
    items = shop_inventory_items(config_path)
    received = {}
    with open(levels_path) as levels:
        for line in levels:
            body = json.loads(line).get('json', {})
            received[body.get('inventory_item_id')] = body.get('available')
    wh = warehouse(tryton)
    products = tryton.search_read('product.product', [['code', 'in', list(items.values())]],
                                  ['code', 'quantity', 'forecast_quantity'],
                                  context={'locations': [wh['id']]})
    by_code = {p['code']: p for p in products}
    print('   %-15s %-16s | %8s %8s | %10s' %
          ('SKU', 'inventory item', 'on hand', 'sellable', 'shop shows'))
    same = 0
    for item, sku in sorted(items.items(), key=lambda entry: entry[1]):
        product = by_code.get(sku)
        if product is None:
            continue
        sellable = int(product['forecast_quantity'])
        shows = received.get(item)
        same += shows == sellable
        print('   %-15s %-16s | %8d %8d | %10s %s' % (
            sku, item, product['quantity'], sellable, '-' if shows is None else shows,
            '' if shows == sellable else '<- differs'))
    print('   Stock levels: %d products in Tryton, %d levels received by the shop, %d the same: '
          '%s' % (len(products), len(received), same,
                  verdict(len(products) == len(received) == same)))
    return ok


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ('stock', 'report'):
        raise SystemExit(__doc__)
    tryton = Tryton()
    if sys.argv[1] == 'stock':
        stock(tryton, sys.argv[2:])
        return 0
    return 0 if report(tryton, *sys.argv[2:5]) else 1


if __name__ == '__main__':
    sys.exit(main())
