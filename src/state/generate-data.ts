/**
 * Word lists for `roster generate`: names in several languages and scripts (with a Latin form
 * for e-mail addresses), phone formats, functions, teams, regions and job titles.
 */

export interface Locale {
  code: string;
  /** "Native|latin" where the script is not Latin; plain Latin names are transliterated by stripping accents */
  male: string[];
  female: string[];
  /** family names; "male/female" where they differ by gender */
  last: string[];
  work: string;
  mobile: string;
  /** the language job titles are written in */
  language: Language;
}

export type Language = 'en' | 'de' | 'fr' | 'es' | 'ru' | 'ja' | 'pl';

const split = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/** Phone patterns: `#` is a random digit. */
export const LOCALES: Locale[] = [
  {
    code: 'en-US',
    male: split('James, John, Robert, Michael, William, David, Richard, Joseph, Thomas, Charles, Daniel, Matthew, Anthony, Mark, Steven, Andrew, Joshua, Kevin, Brian, Ryan, Jacob, Nathan, Tyler, Aaron, Ethan, Noah, Liam, Lucas, Owen, Caleb'),
    female: split('Mary, Patricia, Jennifer, Linda, Elizabeth, Barbara, Susan, Jessica, Sarah, Karen, Emily, Ashley, Michelle, Amanda, Melissa, Rebecca, Laura, Rachel, Megan, Hannah, Olivia, Emma, Ava, Sophia, Abigail, Chloe, Grace, Natalie, Zoe, Madison'),
    last: split('Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Taylor, Thomas, Moore, Martin, Jackson, Thompson, White, Harris, Clark, Lewis, Robinson, Walker, Young, Allen, King, Wright, Scott, Green, Baker, Adams, Nelson, Carter, Mitchell, Roberts, Turner, Phillips, Campbell, Parker, Evans, Edwards, Collins'),
    work: '+1 ### 555 ####',
    mobile: '+1 ### ### ####',
    language: 'en',
  },
  {
    code: 'en-GB',
    male: split('Oliver, George, Harry, Jack, Charlie, Alfie, Freddie, Archie, Henry, Oscar, Leo, Alexander, Edward, Samuel, Joseph, Arthur, Theo, Isaac, Finley, Hugo'),
    female: split('Amelia, Isla, Ava, Mia, Ivy, Lily, Isabella, Rosie, Sophia, Grace, Freya, Florence, Poppy, Evie, Phoebe, Imogen, Harriet, Eleanor, Matilda, Charlotte'),
    last: split('Smith, Jones, Taylor, Brown, Williams, Wilson, Davies, Evans, Thomas, Roberts, Walker, Wright, Robinson, Thompson, Hughes, Edwards, Green, Hall, Wood, Harris, Lewis, Martin, Jackson, Clarke, Clark, Turner, Hill, Scott, Cooper, Morris'),
    work: '+44 20 7946 ####',
    mobile: '+44 7### ######',
    language: 'en',
  },
  {
    code: 'de',
    male: split('Lukas, Leon, Felix, Jonas, Maximilian, Paul, Elias, Noah, Ben, Finn, Tim, Jan, Niklas, Tobias, Florian, Sebastian, Stefan, Andreas, Matthias, Jürgen, Uwe, Thorsten, Dirk, Kai, Moritz, Johannes, Philipp, Markus, Christian, Rüdiger'),
    female: split('Anna, Lena, Lea, Hannah, Sophie, Marie, Laura, Julia, Sarah, Katharina, Johanna, Franziska, Sabine, Petra, Ursula, Monika, Claudia, Birgit, Susanne, Anja, Jana, Mia, Emilia, Charlotte, Greta, Frieda, Mareike, Heike, Ines, Silke'),
    last: split('Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, Schäfer, Koch, Bauer, Richter, Klein, Wolf, Schröder, Neumann, Schwarz, Zimmermann, Braun, Krüger, Hofmann, Hartmann, Lange, Schmitt, Werner, Krause, Meier, Lehmann, Köhler, Weiß, Groß, Jäger, Vogel'),
    work: '+49 30 ########',
    mobile: '+49 15# #######',
    language: 'de',
  },
  {
    code: 'fr',
    male: split('Louis, Gabriel, Léo, Raphaël, Arthur, Hugo, Jules, Lucas, Adam, Nathan, Théo, Antoine, Mathieu, Nicolas, Julien, Guillaume, Pierre, François, Étienne, Rémi'),
    female: split('Emma, Jade, Louise, Alice, Chloé, Léa, Manon, Inès, Camille, Juliette, Clémence, Mathilde, Élodie, Sophie, Amélie, Céline, Margaux, Océane, Hélène, Aurélie'),
    last: split('Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon, Laurent, Lefèbvre, Michel, Garcia, David, Bertrand, Roux, Vincent, Fournier, Morel, Girard, André, Mercier, Dupont, Lambert, Bonnet, François, Faure, Rousseau'),
    work: '+33 1 ## ## ## ##',
    mobile: '+33 6 ## ## ## ##',
    language: 'fr',
  },
  {
    code: 'es',
    male: split('Hugo, Martín, Lucas, Mateo, Leo, Daniel, Alejandro, Pablo, Manuel, Álvaro, Adrián, David, Mario, Diego, Javier, Sergio, Carlos, Jorge, Raúl, Iván'),
    female: split('Lucía, Sofía, Martina, María, Julia, Paula, Valeria, Emma, Daniela, Carla, Alba, Noa, Sara, Carmen, Elena, Laura, Marta, Irene, Ana, Cristina'),
    last: split('García, Rodríguez, González, Fernández, López, Martínez, Sánchez, Pérez, Gómez, Martín, Jiménez, Ruiz, Hernández, Díaz, Moreno, Muñoz, Álvarez, Romero, Alonso, Gutiérrez, Navarro, Torres, Domínguez, Vázquez, Ramos'),
    work: '+34 91 ### ## ##',
    mobile: '+34 6## ### ###',
    language: 'es',
  },
  {
    code: 'it',
    male: split('Leonardo, Francesco, Alessandro, Lorenzo, Mattia, Andrea, Gabriele, Riccardo, Tommaso, Edoardo, Matteo, Giuseppe, Marco, Luca, Davide, Federico, Stefano, Giovanni, Paolo, Simone'),
    female: split('Sofia, Giulia, Aurora, Alice, Ginevra, Emma, Giorgia, Greta, Beatrice, Anna, Chiara, Francesca, Martina, Sara, Valentina, Elisa, Federica, Silvia, Elena, Alessia'),
    last: split('Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno, Gallo, Conti, De Luca, Mancini, Costa, Giordano, Rizzo, Lombardi, Moretti'),
    work: '+39 02 #### ####',
    mobile: '+39 3## ### ####',
    language: 'en',
  },
  {
    code: 'pl',
    male: split('Jakub, Antoni, Jan, Szymon, Franciszek, Filip, Aleksander, Mikołaj, Wojciech, Kacper, Piotr, Krzysztof, Tomasz, Paweł, Michał, Marcin, Łukasz, Grzegorz, Dawid, Rafał'),
    female: split('Zuzanna, Julia, Zofia, Hanna, Maja, Lena, Alicja, Oliwia, Amelia, Anna, Katarzyna, Małgorzata, Agnieszka, Barbara, Ewa, Magdalena, Joanna, Monika, Natalia, Aleksandra'),
    last: split('Nowak, Kowalski/Kowalska, Wiśniewski/Wiśniewska, Wójcik, Kowalczyk, Kamiński/Kamińska, Lewandowski/Lewandowska, Zieliński/Zielińska, Szymański/Szymańska, Woźniak, Dąbrowski/Dąbrowska, Kozłowski/Kozłowska, Jankowski/Jankowska, Mazur, Kwiatkowski/Kwiatkowska, Krawczyk, Piotrowski/Piotrowska, Grabowski/Grabowska, Nowakowski/Nowakowska, Pawłowski/Pawłowska'),
    work: '+48 22 ### ## ##',
    mobile: '+48 5## ### ###',
    language: 'pl',
  },
  {
    code: 'ru',
    male: split('Александр|Aleksandr, Дмитрий|Dmitry, Максим|Maksim, Сергей|Sergey, Андрей|Andrey, Алексей|Aleksey, Артём|Artem, Илья|Ilya, Кирилл|Kirill, Михаил|Mikhail, Никита|Nikita, Иван|Ivan, Евгений|Evgeny, Павел|Pavel, Роман|Roman, Владимир|Vladimir, Олег|Oleg, Николай|Nikolay, Игорь|Igor, Антон|Anton'),
    female: split('Анастасия|Anastasia, Мария|Maria, Анна|Anna, Екатерина|Ekaterina, Дарья|Daria, Ольга|Olga, Елена|Elena, Наталья|Natalia, Татьяна|Tatiana, Ирина|Irina, Юлия|Yulia, Светлана|Svetlana, Ксения|Ksenia, Полина|Polina, Алина|Alina, Виктория|Victoria, Марина|Marina, Софья|Sofia, Вера|Vera, Людмила|Lyudmila'),
    last: split('Иванов/Иванова|Ivanov/Ivanova, Смирнов/Смирнова|Smirnov/Smirnova, Кузнецов/Кузнецова|Kuznetsov/Kuznetsova, Попов/Попова|Popov/Popova, Васильев/Васильева|Vasiliev/Vasilieva, Петров/Петрова|Petrov/Petrova, Соколов/Соколова|Sokolov/Sokolova, Михайлов/Михайлова|Mikhailov/Mikhailova, Новиков/Новикова|Novikov/Novikova, Фёдоров/Фёдорова|Fedorov/Fedorova, Морозов/Морозова|Morozov/Morozova, Волков/Волкова|Volkov/Volkova, Алексеев/Алексеева|Alekseev/Alekseeva, Лебедев/Лебедева|Lebedev/Lebedeva, Семёнов/Семёнова|Semenov/Semenova, Егоров/Егорова|Egorov/Egorova, Павлов/Павлова|Pavlov/Pavlova, Козлов/Козлова|Kozlov/Kozlova, Степанов/Степанова|Stepanov/Stepanova, Николаев/Николаева|Nikolaev/Nikolaeva'),
    work: '+7 495 ###-##-##',
    mobile: '+7 9## ###-##-##',
    language: 'ru',
  },
  {
    code: 'uk',
    male: split('Олександр|Oleksandr, Андрій|Andrii, Дмитро|Dmytro, Максим|Maksym, Богдан|Bohdan, Тарас|Taras, Юрій|Yurii, Остап|Ostap, Василь|Vasyl, Ігор|Ihor, Назар|Nazar, Віталій|Vitalii'),
    female: split('Оксана|Oksana, Олена|Olena, Ірина|Iryna, Наталія|Nataliia, Юлія|Yuliia, Катерина|Kateryna, Соломія|Solomiia, Мар\u2019яна|Mariana, Тетяна|Tetiana, Христина|Khrystyna, Дарина|Daryna, Вікторія|Viktoriia'),
    last: split('Шевченко|Shevchenko, Коваленко|Kovalenko, Бондаренко|Bondarenko, Ткаченко|Tkachenko, Кравченко|Kravchenko, Олійник|Oliinyk, Мельник|Melnyk, Лисенко|Lysenko, Мороз|Moroz, Поліщук|Polishchuk, Савченко|Savchenko, Руденко|Rudenko'),
    work: '+380 44 ### ## ##',
    mobile: '+380 67 ### ## ##',
    language: 'ru',
  },
  {
    code: 'ja',
    male: split('翔|Sho, 大輝|Daiki, 拓也|Takuya, 健太|Kenta, 翔太|Shota, 亮|Ryo, 陽斗|Haruto, 蓮|Ren, 悠真|Yuma, 大翔|Hiroto, 直樹|Naoki, 和也|Kazuya, 浩二|Koji, 誠|Makoto, 隆|Takashi'),
    female: split('陽菜|Hina, 結衣|Yui, 美咲|Misaki, 葵|Aoi, さくら|Sakura, 愛|Ai, 彩|Aya, 真由美|Mayumi, 由美|Yumi, 恵|Megumi, 花子|Hanako, 千尋|Chihiro, 優子|Yuko, 明美|Akemi, 奈々|Nana'),
    last: split('佐藤|Sato, 鈴木|Suzuki, 高橋|Takahashi, 田中|Tanaka, 伊藤|Ito, 渡辺|Watanabe, 山本|Yamamoto, 中村|Nakamura, 小林|Kobayashi, 加藤|Kato, 吉田|Yoshida, 山田|Yamada, 佐々木|Sasaki, 山口|Yamaguchi, 松本|Matsumoto, 井上|Inoue, 木村|Kimura, 林|Hayashi, 清水|Shimizu, 森|Mori'),
    work: '+81 3-####-####',
    mobile: '+81 90-####-####',
    language: 'ja',
  },
  {
    code: 'zh',
    male: split('伟|Wei, 强|Qiang, 磊|Lei, 军|Jun, 洋|Yang, 勇|Yong, 杰|Jie, 涛|Tao, 明|Ming, 超|Chao, 浩然|Haoran, 子轩|Zixuan, 宇航|Yuhang, 俊杰|Junjie'),
    female: split('芳|Fang, 娜|Na, 敏|Min, 静|Jing, 丽|Li, 艳|Yan, 娟|Juan, 霞|Xia, 婷|Ting, 雪|Xue, 欣怡|Xinyi, 梓涵|Zihan, 诗涵|Shihan, 雨萱|Yuxuan'),
    last: split('王|Wang, 李|Li, 张|Zhang, 刘|Liu, 陈|Chen, 杨|Yang, 黄|Huang, 赵|Zhao, 吴|Wu, 周|Zhou, 徐|Xu, 孙|Sun, 马|Ma, 朱|Zhu, 胡|Hu, 郭|Guo, 何|He, 林|Lin'),
    work: '+86 10 ####-####',
    mobile: '+86 13# #### ####',
    language: 'en',
  },
  {
    code: 'pt-BR',
    male: split('Miguel, Arthur, Heitor, Bernardo, Davi, Théo, Lorenzo, Gabriel, Pedro, Benjamin, Matheus, Rafael, João, Gustavo, Felipe, Bruno, Thiago, Rodrigo, Leonardo, Vinícius'),
    female: split('Helena, Alice, Laura, Manuela, Valentina, Sophia, Isabella, Heloísa, Luíza, Júlia, Lorena, Lívia, Beatriz, Mariana, Fernanda, Camila, Larissa, Gabriela, Letícia, Bruna'),
    last: split('Silva, Santos, Oliveira, Souza, Rodrigues, Ferreira, Alves, Pereira, Lima, Gomes, Costa, Ribeiro, Martins, Carvalho, Almeida, Lopes, Soares, Fernandes, Vieira, Barbosa'),
    work: '+55 11 ####-####',
    mobile: '+55 11 9####-####',
    language: 'es',
  },
  {
    code: 'tr',
    male: split('Yusuf, Eymen, Ömer, Mustafa, Mehmet, Ahmet, Emir, Kerem, Burak, Emre, Murat, Serkan, Hakan, Cem, Onur'),
    female: split('Zeynep, Elif, Defne, Ecrin, Asel, Ayşe, Fatma, Emine, Merve, Büşra, Esra, Selin, İrem, Ceren, Gizem'),
    last: split('Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, Özdemir, Arslan, Doğan, Kılıç, Aslan, Çetin'),
    work: '+90 212 ### ## ##',
    mobile: '+90 5## ### ## ##',
    language: 'en',
  },
];

/** Patronymics (male/female) of the locales that write them as the second name. */
export const PATRONYMICS: Record<string, string[]> = {
  ru: split('Александрович/Александровна, Сергеевич/Сергеевна, Владимирович/Владимировна, Андреевич/Андреевна, Николаевич/Николаевна, Михайлович/Михайловна, Игоревич/Игоревна, Викторович/Викторовна, Дмитриевич/Дмитриевна, Павлович/Павловна'),
  uk: split('Олександрович/Олександрівна, Андрійович/Андріївна, Васильович/Василівна, Іванович/Іванівна, Петрович/Петрівна, Миколайович/Миколаївна'),
};

/** Regions of sales and operations units: which locales their people mostly come from. */
export const REGIONS: { name: string; locales: string[] }[] = [
  { name: 'North America', locales: ['en-US'] },
  { name: 'UK & Ireland', locales: ['en-GB'] },
  { name: 'DACH', locales: ['de'] },
  { name: 'France', locales: ['fr'] },
  { name: 'Iberia', locales: ['es'] },
  { name: 'Italy', locales: ['it'] },
  { name: 'Poland', locales: ['pl'] },
  { name: 'CIS', locales: ['ru', 'uk'] },
  { name: 'Japan', locales: ['ja'] },
  { name: 'Greater China', locales: ['zh'] },
  { name: 'LATAM', locales: ['pt-BR', 'es'] },
  { name: 'Turkey', locales: ['tr'] },
];

export interface Func {
  name: string;
  teams: string[];
  roles: RoleKey[];
  /** whether its second level is split by region */
  regional: boolean;
}

export type RoleKey =
  | 'engineer' | 'senior_engineer' | 'qa' | 'devops' | 'designer' | 'product_manager' | 'sales_manager' | 'account_executive'
  | 'marketing' | 'content' | 'support' | 'accountant' | 'analyst' | 'hr' | 'recruiter' | 'lawyer' | 'operations'
  | 'sysadmin' | 'researcher' | 'buyer' | 'logistics' | 'assistant';

export const FUNCTIONS: Func[] = [
  { name: 'Engineering', regional: false, roles: ['engineer', 'engineer', 'senior_engineer', 'qa', 'devops'], teams: split('Platform, Payments, Mobile, Data, Search, Identity, Messaging, Billing, Infrastructure, Web, API, Integrations, Reliability, Security, Performance') },
  { name: 'Sales', regional: true, roles: ['sales_manager', 'account_executive', 'account_executive', 'assistant'], teams: split('Enterprise, Mid-Market, SMB, Key Accounts, Inside Sales, Partners, Renewals, Public Sector') },
  { name: 'Marketing', regional: true, roles: ['marketing', 'content', 'designer', 'analyst'], teams: split('Brand, Content, Events, Performance Marketing, Product Marketing, Communications, Social Media') },
  { name: 'Product', regional: false, roles: ['product_manager', 'designer', 'analyst', 'researcher'], teams: split('Core, Growth, Onboarding, Analytics, Design System, Research, Mobile Apps') },
  { name: 'Customer Support', regional: true, roles: ['support', 'support', 'support', 'assistant'], teams: split('First Line, Second Line, Onboarding, Escalations, Knowledge Base, Premium Support') },
  { name: 'Finance', regional: false, roles: ['accountant', 'analyst', 'assistant'], teams: split('Accounting, Controlling, Treasury, Tax, Payroll, Procurement') },
  { name: 'Human Resources', regional: false, roles: ['hr', 'recruiter', 'assistant'], teams: split('Recruiting, People Operations, Learning, Compensation, Employer Branding') },
  { name: 'Legal', regional: false, roles: ['lawyer', 'assistant'], teams: split('Contracts, Compliance, Privacy, Intellectual Property') },
  { name: 'Operations', regional: true, roles: ['operations', 'logistics', 'buyer'], teams: split('Logistics, Facilities, Purchasing, Warehouse, Fleet, Planning') },
  { name: 'IT', regional: false, roles: ['sysadmin', 'sysadmin', 'engineer'], teams: split('Service Desk, Workplace, Network, Identity, Enterprise Apps') },
  { name: 'Research', regional: false, roles: ['researcher', 'analyst', 'engineer'], teams: split('Applied Research, Machine Learning, Labs, Data Science') },
  { name: 'Quality', regional: false, roles: ['qa', 'analyst'], teams: split('Test Automation, Release, Audit, Certification') },
  { name: 'Business Development', regional: true, roles: ['sales_manager', 'analyst'], teams: split('Alliances, Channels, New Markets') },
  { name: 'Communications', regional: false, roles: ['content', 'marketing'], teams: split('Press, Internal Communications, Investor Relations') },
];

export const ROLES: Record<RoleKey, Partial<Record<Language, string>> & { en: string }> = {
  engineer: { en: 'Software Engineer', de: 'Softwareentwickler', fr: 'Ingénieur logiciel', es: 'Ingeniero de software', ru: 'Программист', ja: 'ソフトウェアエンジニア', pl: 'Programista' },
  senior_engineer: { en: 'Senior Software Engineer', de: 'Senior-Softwareentwickler', fr: 'Ingénieur logiciel senior', es: 'Ingeniero de software sénior', ru: 'Ведущий программист', ja: 'シニアエンジニア', pl: 'Starszy programista' },
  qa: { en: 'QA Engineer', de: 'Testingenieur', fr: 'Ingénieur qualité', es: 'Ingeniero de QA', ru: 'Инженер по тестированию', ja: '品質保証エンジニア', pl: 'Tester' },
  devops: { en: 'DevOps Engineer', de: 'DevOps-Ingenieur', fr: 'Ingénieur DevOps', es: 'Ingeniero DevOps', ru: 'DevOps-инженер', ja: 'DevOpsエンジニア', pl: 'Inżynier DevOps' },
  designer: { en: 'Designer', de: 'Designer', fr: 'Designer', es: 'Diseñador', ru: 'Дизайнер', ja: 'デザイナー', pl: 'Projektant' },
  product_manager: { en: 'Product Manager', de: 'Produktmanager', fr: 'Chef de produit', es: 'Gerente de producto', ru: 'Менеджер продукта', ja: 'プロダクトマネージャー', pl: 'Menedżer produktu' },
  sales_manager: { en: 'Sales Manager', de: 'Vertriebsleiter', fr: 'Responsable commercial', es: 'Gerente de ventas', ru: 'Менеджер по продажам', ja: '営業マネージャー', pl: 'Kierownik sprzedaży' },
  account_executive: { en: 'Account Executive', de: 'Kundenberater', fr: 'Chargé de clientèle', es: 'Ejecutivo de cuentas', ru: 'Менеджер по работе с клиентами', ja: '営業担当', pl: 'Opiekun klienta' },
  marketing: { en: 'Marketing Specialist', de: 'Marketingreferent', fr: 'Chargé de marketing', es: 'Especialista en marketing', ru: 'Маркетолог', ja: 'マーケティング担当', pl: 'Specjalista ds. marketingu' },
  content: { en: 'Content Writer', de: 'Redakteur', fr: 'Rédacteur', es: 'Redactor', ru: 'Редактор', ja: 'コンテンツライター', pl: 'Redaktor' },
  support: { en: 'Support Specialist', de: 'Supportmitarbeiter', fr: 'Technicien support', es: 'Especialista de soporte', ru: 'Специалист поддержки', ja: 'サポート担当', pl: 'Specjalista wsparcia' },
  accountant: { en: 'Accountant', de: 'Buchhalter', fr: 'Comptable', es: 'Contable', ru: 'Бухгалтер', ja: '経理担当', pl: 'Księgowy' },
  analyst: { en: 'Analyst', de: 'Analyst', fr: 'Analyste', es: 'Analista', ru: 'Аналитик', ja: 'アナリスト', pl: 'Analityk' },
  hr: { en: 'HR Business Partner', de: 'Personalreferent', fr: 'Chargé RH', es: 'Técnico de RR. HH.', ru: 'HR-менеджер', ja: '人事担当', pl: 'Specjalista ds. kadr' },
  recruiter: { en: 'Recruiter', de: 'Recruiter', fr: 'Recruteur', es: 'Reclutador', ru: 'Рекрутер', ja: '採用担当', pl: 'Rekruter' },
  lawyer: { en: 'Legal Counsel', de: 'Syndikusanwalt', fr: 'Juriste', es: 'Asesor jurídico', ru: 'Юрист', ja: '法務担当', pl: 'Radca prawny' },
  operations: { en: 'Operations Manager', de: 'Betriebsleiter', fr: 'Responsable des opérations', es: 'Gerente de operaciones', ru: 'Операционный менеджер', ja: 'オペレーション担当', pl: 'Kierownik operacyjny' },
  sysadmin: { en: 'System Administrator', de: 'Systemadministrator', fr: 'Administrateur système', es: 'Administrador de sistemas', ru: 'Системный администратор', ja: 'システム管理者', pl: 'Administrator systemów' },
  researcher: { en: 'Research Scientist', de: 'Wissenschaftler', fr: 'Chercheur', es: 'Investigador', ru: 'Научный сотрудник', ja: '研究員', pl: 'Badacz' },
  buyer: { en: 'Buyer', de: 'Einkäufer', fr: 'Acheteur', es: 'Comprador', ru: 'Закупщик', ja: '購買担当', pl: 'Zakupowiec' },
  logistics: { en: 'Logistics Coordinator', de: 'Logistikkoordinator', fr: 'Coordinateur logistique', es: 'Coordinador de logística', ru: 'Логист', ja: '物流担当', pl: 'Koordynator logistyki' },
  assistant: { en: 'Office Assistant', de: 'Assistent', fr: 'Assistant', es: 'Asistente', ru: 'Ассистент', ja: 'アシスタント', pl: 'Asystent' },
};

export const COMPANIES = split('Northwind Group, Contoso Holdings, Fabrikam Industries, Tailspin Systems, Wingtip Labs, Litware Corporation, Adventure Works, Proseware Global, Woodgrove Partners, Alpine Ski House');
export const PARTNERS = split('Contoso, Fabrikam, Litware, Proseware, Tailspin, Wingtip, Lucerne Publishing, Trey Research, Coho Vineyard, Humongous Insurance, Margie\u2019s Travel, Blue Yonder Airlines, Graphic Design Institute, School of Fine Art, Relecloud, Southridge Video');
export const PROJECTS = split('Phoenix, Atlas, Orion, Horizon, Aurora, Nimbus, Everest, Polaris, Mercury, Titan, Zephyr, Odyssey, Beacon, Catalyst, Summit, Meridian');
export const ABSENCE_REASONS = split('Vacation, Vacation, Vacation, Sick leave, Business trip, Training, Parental leave, Day off');
export const BOTS: { name: string; last: string; position: string; code: string; type: string; openline?: boolean }[] = [
  { name: 'Helpdesk', last: 'Bot', position: 'Answers IT questions', code: 'helpdesk', type: 'bot' },
  { name: 'HR', last: 'Assistant', position: 'Vacation requests and HR policies', code: 'hr_assistant', type: 'bot' },
  { name: 'Deploy', last: 'Bot', position: 'Release announcements', code: 'deploy', type: 'bot' },
  { name: 'Support', last: 'Line', position: 'Open line for customers', code: 'support_line', type: 'openline', openline: true },
  { name: 'Calendar', last: 'Bot', position: 'Meeting reminders', code: 'calendar', type: 'bot' },
  { name: 'Translator', last: 'Bot', position: 'Translates messages', code: 'translator', type: 'supervisor' },
  { name: 'Giphy', last: 'Bot', position: 'Animated replies', code: 'giphy', type: 'bot' },
  { name: 'Survey', last: 'Bot', position: 'Polls and surveys', code: 'survey', type: 'bot' },
];
