#!/usr/bin/python3
"""Configures a freshly created Tryton 6.0 database so that erphub can sell through it.

Runs with Debian's python3 and proteus, opening the database directly (no trytond may serve it
meanwhile). Every step first looks for what it would create, so a second run changes nothing;
a run in a new calendar year adds that year's fiscal year.

Creates, under stable names that erphub's tests and configs look up:
  company        "erphub Company" (currency from TRYTON_CURRENCY, EUR by default), set as the
                 admin user's company
  fiscal years   this year and the next, monthly periods, move and invoice sequences
  chart          the account module's minimal chart, default receivable and payable accounts
  taxes          "VAT 0%", "VAT 7%", "VAT 10%", "VAT 19%", "VAT 20%" (percentage, sales)
  payment term   "Direct" (everything at once), set as the default customer payment term
  payment method "Cash" for invoices (journal CASH, account "Main Cash")
  category       accounting category "Goods" (revenue and expense accounts, no default taxes:
                 the taxes of a sale line come from the order); the same accounts are the
                 defaults for lines without a product (shipping, discounts)
  warehouse      the stock module's WH (checked, not created)
Usage: tryton_setup.py CONFIG DATABASE
"""
import datetime
import os
import sys
from decimal import Decimal

from proteus import Model, Wizard, config

COMPANY = 'erphub Company'
CURRENCIES = {
    'EUR': ('Euro', '€', '978', 'DE', 'Germany'),
    'USD': ('US Dollar', '$', '840', 'US', 'United States'),
}
TAX_RATES = ['0', '7', '10', '19', '20']


def say(text):
    print('tryton_setup: ' + text, flush=True)


def first(model_name, domain):
    found = Model.get(model_name).find(domain, limit=1)
    return found[0] if found else None


def currency_for(code):
    name, symbol, numeric, country_code, country_name = CURRENCIES[code]
    currency = first('currency.currency', [('code', '=', code)])
    if currency is None:
        currency = Model.get('currency.currency')(
            name=name, code=code, symbol=symbol, numeric_code=numeric,
            digits=2, rounding=Decimal('0.01'))
        currency.save()
        Model.get('currency.currency.rate')(
            currency=currency, date=datetime.date(2000, 1, 1), rate=Decimal(1)).save()
        say('currency ' + code)
    if first('country.country', [('code', '=', country_code)]) is None:
        Model.get('country.country')(name=country_name, code=country_code).save()
    return currency


def company_for(currency):
    Company = Model.get('company.company')
    company = first('company.company', [])
    if company is None:
        party = Model.get('party.party')(name=COMPANY)
        party.save()
        wizard = Wizard('company.company.config')
        wizard.execute('company')
        wizard.form.party = party
        wizard.form.currency = currency
        wizard.execute('add')
        company = first('company.company', [])
        say('company ' + COMPANY)
    User = Model.get('res.user')
    admin, = User.find([('login', '=', 'admin')])
    if admin.company != company:
        if company not in admin.companies:
            admin.companies.append(Company(company.id))
        admin.company = company
        admin.save()
    # Later calls need the company in their context, as a client's would have.
    config.get_config()._context = User.get_preferences(True, {})
    return company


def chart_for(company):
    Account = Model.get('account.account')
    if not Account.find([('company', '=', company.id)], limit=1):
        root, = Model.get('ir.model.data').find(
            [('module', '=', 'account'), ('fs_id', '=', 'account_template_root_en')])
        wizard = Wizard('account.create_chart')
        wizard.execute('account')
        wizard.form.account_template = Model.get('account.account.template')(root.db_id)
        wizard.form.company = company
        wizard.execute('create_account')
        wizard.form.account_receivable = account(company, 'type.receivable')
        wizard.form.account_payable = account(company, 'type.payable')
        wizard.execute('create_properties')
        say('chart of accounts')


def account(company, flag=None, name=None):
    domain = [('company', '=', company.id)]
    domain.append((flag, '=', True) if flag else ('name', '=', name))
    found, = Model.get('account.account').find(domain, limit=1)
    return found


def fiscal_year(company, year):
    FiscalYear = Model.get('account.fiscalyear')
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if FiscalYear.find([('company', '=', company.id), ('start_date', '<=', end),
                        ('end_date', '>=', start)], limit=1):
        return
    move_type, = Model.get('ir.sequence.type').find([('name', '=', 'Account Move')])
    moves = Model.get('ir.sequence')(
        name='Account Move %d' % year, sequence_type=move_type, company=company)
    moves.save()
    invoice_type, = Model.get('ir.sequence.type').find([('name', '=', 'Invoice')])
    invoices = Model.get('ir.sequence.strict')(
        name='Invoice %d' % year, sequence_type=invoice_type, company=company,
        prefix='INV/%d/' % year, padding=5)
    invoices.save()
    fiscalyear = FiscalYear(name=str(year), start_date=start, end_date=end, company=company,
                            post_move_sequence=moves)
    sequences, = fiscalyear.invoice_sequences
    for field in ('out_invoice_sequence', 'in_invoice_sequence',
                  'out_credit_note_sequence', 'in_credit_note_sequence'):
        setattr(sequences, field, invoices)
    fiscalyear.save()
    fiscalyear.click('create_period')
    say('fiscal year %d' % year)


def taxes(company):
    tax_account = account(company, name='Main Tax')
    for percent in TAX_RATES:
        name = 'VAT %s%%' % percent
        if first('account.tax', [('name', '=', name), ('company', '=', company.id)]):
            continue
        Model.get('account.tax')(
            name=name, description=name, type='percentage',
            rate=Decimal(percent) / 100, company=company,
            invoice_account=tax_account, credit_note_account=tax_account).save()
        say('tax ' + name)


def payment_term():
    term = first('account.invoice.payment_term', [('name', '=', 'Direct')])
    if term is None:
        term = Model.get('account.invoice.payment_term')(name='Direct')
        term.lines.new(type='remainder')
        term.save()
        say('payment term Direct')
    configuration = Model.get('account.configuration')(1)
    if configuration.default_customer_payment_term != term:
        configuration.default_customer_payment_term = term
        configuration.save()


def payment_method(company):
    if first('account.invoice.payment.method', [('name', '=', 'Cash')]):
        return
    journal, = Model.get('account.journal').find([('code', '=', 'CASH')], limit=1)
    cash = account(company, name='Main Cash')
    Model.get('account.invoice.payment.method')(
        name='Cash', company=company, journal=journal,
        debit_account=cash, credit_account=cash).save()
    say('payment method Cash')


def goods_category(company):
    revenue = account(company, 'type.revenue')
    expense = account(company, 'type.expense')
    if not first('product.category', [('name', '=', 'Goods'), ('accounting', '=', True)]):
        Model.get('product.category')(
            name='Goods', accounting=True,
            account_revenue=revenue, account_expense=expense).save()
        say('accounting category Goods')
    # Sale lines without a product (shipping, discounts) are invoiced on these accounts.
    configuration = Model.get('account.configuration')(1)
    if configuration.default_category_account_revenue != revenue:
        configuration.default_category_account_revenue = revenue
        configuration.default_category_account_expense = expense
        configuration.save()


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    config.set_trytond(database=sys.argv[2], config_file=sys.argv[1])
    code = os.environ.get('TRYTON_CURRENCY', 'EUR').upper()
    if code not in CURRENCIES:
        sys.exit('TRYTON_CURRENCY must be one of ' + ', '.join(CURRENCIES))
    company = company_for(currency_for(code))
    year = datetime.date.today().year
    fiscal_year(company, year)
    fiscal_year(company, year + 1)
    chart_for(company)
    taxes(company)
    payment_term()
    payment_method(company)
    goods_category(company)
    if first('stock.location', [('code', '=', 'WH')]) is None:
        sys.exit('the stock module made no warehouse WH')
    say('done')


if __name__ == '__main__':
    main()
