#!/usr/bin/env python3
"""The plain way to feed Tryton, for comparison with erphub: one order per call sequence.

  plain_client.py setup PREFIX CUSTOMERS PRODUCTS   customers and products, products in stock
  plain_client.py orders PREFIX COUNT CUSTOMERS PRODUCTS   canonical sales orders, one per line
  plain_client.py run FILE [BATCH]                   create the sales, quote, confirm: one order
                                                     per call, or BATCH orders per call
  plain_client.py processed FILE [TIMEOUT]           waits until the sale of every order in FILE
                                                     has its invoice and shipment

Tryton's address comes from TRYTON_URL, TRYTON_DB, TRYTON_USER, TRYTON_PASSWORD (scripts/tryton.sh
prints them). `run` prints {"orders": N, "seconds": S, "create": S, "quote": S, "confirm": S}
(the seconds spent in each kind of call); `processed` prints {"orders": N, "processed": N,
"waited": S}.
"""
import json
import os
import sys
import time
import urllib.request
from decimal import Decimal

URL = os.environ['TRYTON_URL'].rstrip('/') + '/' + os.environ['TRYTON_DB'] + '/'
PRICES = ['12.50', '19.99', '33.33', '0.10', '7.45', '120.00', '4.99', '58.20']


class Tryton:
    def __init__(self):
        self.auth = None
        self.context = {}
        user_id, session = self.call('common.db.login', [
            os.environ['TRYTON_USER'], {'password': os.environ['TRYTON_PASSWORD']}, 'en'])
        import base64
        token = '%s:%s:%s' % (os.environ['TRYTON_USER'], user_id, session)
        self.auth = 'Session ' + base64.b64encode(token.encode()).decode()
        prefs = self.call('model.res.user.get_preferences', [True, {}])
        self.context = {k: v for k, v in prefs.items() if '.' not in k}

    def call(self, method, params):
        body = json.dumps({'id': 1, 'method': method, 'params': params}, default=encode)
        request = urllib.request.Request(URL, body.encode(), {'Content-Type': 'application/json'})
        if self.auth:
            request.add_header('Authorization', self.auth)
        with urllib.request.urlopen(request, timeout=300) as reply:
            answer = json.loads(reply.read())
        if answer.get('error'):
            raise RuntimeError('%s: %s' % (method, answer['error']))
        return answer['result']

    def model(self, model, method, *args):
        return self.call('model.%s.%s' % (model, method), list(args) + [self.context])

    def first(self, model, domain):
        ids = self.model(model, 'search', domain, 0, 1, None)
        return ids[0] if ids else None


def encode(value):
    if isinstance(value, Decimal):
        return {'__class__': 'Decimal', 'decimal': str(value)}
    raise TypeError(value)


def setup(prefix, customers, products):
    t = Tryton()
    for i in range(customers):
        t.model('party.party', 'create', [{
            'name': 'Bench customer %s %d' % (prefix, i),
            'identifiers': [['create', [{'code': 'bench:%s-c%d' % (prefix, i)}]]],
            'addresses': [['create', [{'street': 'Hauptstr. %d' % i, 'city': 'Berlin'}]]]}])
    unit = t.first('product.uom', [['symbol', '=', 'u']])
    category = t.first('product.category', [['name', '=', 'Goods'], ['accounting', '=', True]])
    made = []
    for j in range(products):
        template = t.model('product.template', 'create', [{
            'name': 'Bench product %s %d' % (prefix, j), 'code': 'BENCH-%s-%d' % (prefix, j),
            'type': 'goods', 'default_uom': unit, 'sale_uom': unit, 'salable': True,
            'account_category': category, 'list_price': Decimal(PRICES[j % len(PRICES)]),
            'products': [['create', [{}]]]}])[0]
        made += t.model('product.product', 'search', [['template', '=', template]], 0, 1, None)
    # In stock, so that neither side meets the stock-quantity warning.
    warehouse = t.model('stock.location', 'search_read', [['code', '=', 'WH']], 0, 1, None,
                        ['storage_location'])[0]
    inventory = t.model('stock.inventory', 'create', [{
        'location': warehouse['storage_location'],
        'lines': [['create', [{'product': p, 'quantity': 1000000} for p in made]]]}])
    t.model('stock.inventory', 'confirm', inventory)


def orders(prefix, count, customers, products):
    for n in range(count):
        c = n % customers
        lines, net = [], Decimal(0)
        for k in range(1 + n % 3):
            j = (n + k) % products
            price, quantity = Decimal(PRICES[j % len(PRICES)]), 1 + (n + k) % 4
            total = price * quantity
            net += total
            lines.append({'line_number': k + 1, 'sku': 'BENCH-%s-%d' % (prefix, j),
                          'quantity': str(quantity), 'unit_price': str(price),
                          'tax_rate': '0.19', 'line_total': str(total)})
        tax = (net * Decimal('0.19')).quantize(Decimal('0.01'))
        print(json.dumps({
            'external_id': 'bench:%s-o%d' % (prefix, n), 'order_number': '%s-%d' % (prefix, n),
            # Today: the stock counted today is there (no stock-quantity warning on either side).
            'order_date': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), 'currency': 'EUR',
            'customer': {'external_id': 'bench:%s-c%d' % (prefix, c),
                         'name': 'Bench customer %s %d' % (prefix, c)},
            'bill_to': {'street': 'Hauptstr. %d' % c, 'city': 'Berlin'},
            'lines': lines,
            'totals': {'net': str(net), 'tax': str(tax), 'shipping': '0',
                       'gross': str(net + tax)}}))


def run(path, batch):
    t = Tryton()
    records = [json.loads(line) for line in open(path)]
    term = t.first('account.invoice.payment_term', [['name', '=', 'Direct']])
    tax = t.first('account.tax', [['name', '=', 'VAT 19%']])
    unit = t.first('product.uom', [['symbol', '=', 'u']])
    parties, products = {}, {}
    for order in records:  # looked up once, as a script would cache them
        code = order['customer']['external_id']
        if code not in parties:
            party = t.first('party.party', [['identifiers.code', '=', code]])
            address = t.first('party.address', [['party', '=', party]])
            parties[code] = (party, address)
        for line in order['lines']:
            if line['sku'] not in products:
                products[line['sku']] = t.first('product.product', [['code', '=', line['sku']]])
    def values(order):
        party, address = parties[order['customer']['external_id']]
        day = order['order_date']
        return {
            'sale_date': {'__class__': 'date', 'year': int(day[:4]), 'month': int(day[5:7]),
                          'day': int(day[8:10])},
            'party': party, 'invoice_address': address, 'shipment_address': address,
            'payment_term': term, 'reference': order['order_number'],
            'lines': [['create', [{
                'type': 'line', 'product': products[line['sku']], 'unit': unit,
                'quantity': float(line['quantity']), 'unit_price': Decimal(line['unit_price']),
                'taxes': [['add', [tax]]]} for line in order['lines']]]]}

    spent = {'create': 0.0, 'quote': 0.0, 'confirm': 0.0}

    def timed(step, *args):
        began = time.monotonic()
        result = t.model('sale.sale', step, *args)
        spent[step] += time.monotonic() - began
        return result

    start = time.monotonic()
    for first in range(0, len(records), batch):
        sales = timed('create', [values(order) for order in records[first:first + batch]])
        timed('quote', sales)
        timed('confirm', sales)
    print(json.dumps(dict(orders=len(records), seconds=time.monotonic() - start, **spent)))


def processed(path, timeout):
    """Waits until the sale of every order in FILE has its invoice and its shipment."""
    t = Tryton()
    numbers = [json.loads(line)['order_number'] for line in open(path)]
    start = time.monotonic()
    while True:
        sales = t.model('sale.sale', 'search_read', [['reference', 'in', numbers]], 0, None, None,
                        ['state', 'invoices', 'shipments'])
        done = [s for s in sales if s['state'] in ('processing', 'done') and s['invoices'] and
                s['shipments']]
        if len(done) == len(numbers) or time.monotonic() - start > timeout:
            break
        time.sleep(0.2)
    print(json.dumps({'orders': len(numbers), 'processed': len(done),
                      'waited': time.monotonic() - start}))


if __name__ == '__main__':
    command, args = sys.argv[1], sys.argv[2:]
    if command == 'setup':
        setup(args[0], int(args[1]), int(args[2]))
    elif command == 'orders':
        orders(args[0], int(args[1]), int(args[2]), int(args[3]))
    elif command == 'run':
        run(args[0], int(args[1]) if len(args) > 1 else 1)
    elif command == 'processed':
        processed(args[0], float(args[1]) if len(args) > 1 else 600)
    else:
        sys.exit(__doc__)
